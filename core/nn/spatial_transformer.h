#pragma once

#include <cstdint>
#include <memory>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

namespace facemix {

struct SpatialTransformerShape {
    std::int64_t channels = 0;
    std::int64_t heads = 8;
    std::int64_t depth = 1;  // transformer blocks in a row
    std::int64_t context_channels = 768;
    std::int64_t norm_groups = 32;
    bool linear_projection = false;  // proj_in/proj_out as linear layers (SD 2) instead of 1×1 convs (SD 1)
};

// SD's attention layer over a feature map (diffusers' Transformer2DModel): GroupNorm, projection to
// tokens, `depth` transformer blocks (self-attention, cross-attention to the condition tokens,
// GEGLU feed-forward, each pre-LayerNorm with a residual), projection back, plus the input.
class SpatialTransformer : public torch::nn::Module {
public:
    explicit SpatialTransformer(const SpatialTransformerShape& shape);
    ~SpatialTransformer() override;
    // image: [B, channels, H, W]; context: [B, N, context_channels].
    at::Tensor forward(const at::Tensor& image, const at::Tensor& context);

private:
    struct Layers;
    std::unique_ptr<Layers> layers_;
};

}  // namespace facemix
