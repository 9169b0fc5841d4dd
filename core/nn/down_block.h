#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include "nn/downsample.h"
#include "nn/spatial_transformer.h"

namespace facemix {

struct DownBlockShape {
    std::int64_t in_channels = 0;
    std::int64_t out_channels = 0;
    std::int64_t layers = 1;
    std::int64_t time_channels = 0;  // 0: no timestep embedding (the VAE encoder)
    std::int64_t norm_groups = 32;
    double norm_eps = 1e-5;
    std::optional<SpatialTransformerShape> transformer{};  // one after each ResNet; its channels are out_channels
    std::optional<Downsample::Padding> downsample{};     // absent on the lowest level
};

// One resolution level on the way down (diffusers' CrossAttnDownBlock2D, DownBlock2D and
// DownEncoderBlock2D): `layers` ResNet blocks (resnets.j), each optionally followed by a spatial
// transformer (attentions.j), then an optional downsampler (downsamplers.0).
class DownBlock : public torch::nn::Module {
public:
    explicit DownBlock(const DownBlockShape& shape);
    ~DownBlock() override;
    // Appends every layer's output and the downsampled one to `skips` when given (the UNet's
    // skip connections, in the order its up blocks consume them from the back).
    at::Tensor forward(at::Tensor x, const at::Tensor& time_embedding, const at::Tensor& context,
                       std::vector<at::Tensor>* skips = nullptr);

private:
    struct Layers;
    std::unique_ptr<Layers> layers_;
};

}  // namespace facemix
