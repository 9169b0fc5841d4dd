#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include "nn/spatial_transformer.h"

namespace facemix {

struct UpBlockShape {
    std::int64_t in_channels = 0;
    std::int64_t out_channels = 0;
    std::int64_t layers = 1;
    // Channels of the skip connection each ResNet concatenates to its input, first layer first; empty
    // for a decoder without skips (the VAE's).
    std::vector<std::int64_t> skip_channels{};
    std::int64_t time_channels = 0;  // 0: no timestep embedding (the VAE decoder)
    std::int64_t norm_groups = 32;
    double norm_eps = 1e-5;
    std::optional<SpatialTransformerShape> transformer{};  // one after each ResNet; its channels are out_channels
    bool upsample = false;
};

// One resolution level on the way up (diffusers' CrossAttnUpBlock2D, UpBlock2D and UpDecoderBlock2D):
// `layers` ResNet blocks (resnets.j), each optionally followed by a spatial transformer
// (attentions.j), then an optional upsampler (upsamplers.0).
class UpBlock : public torch::nn::Module {
public:
    explicit UpBlock(const UpBlockShape& shape);
    ~UpBlock() override;
    // With skip_channels, each ResNet takes its skip connection from the back of `skips`, and the
    // upsampler then resizes to the next skip's size, so inputs of any size come back out whole.
    at::Tensor forward(at::Tensor x, const at::Tensor& time_embedding, const at::Tensor& context,
                       std::vector<at::Tensor>* skips = nullptr);

private:
    struct Layers;
    std::unique_ptr<Layers> layers_;
};

}  // namespace facemix
