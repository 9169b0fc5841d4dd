#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include "nn/spatial_transformer.h"

namespace facemix {

struct MidBlockShape {
    std::int64_t channels = 0;
    std::int64_t time_channels = 0;  // 0: no timestep embedding (the VAE)
    std::int64_t norm_groups = 32;
    double norm_eps = 1e-5;
    // The UNet's middle attends to the condition through a spatial transformer (its channels are
    // `channels`); without one, the VAE's middle attends to itself with one image-wide head.
    std::optional<SpatialTransformerShape> transformer{};
};

// The lowest-resolution stage: ResNet (resnets.0), attention (attentions.0), ResNet (resnets.1), as
// diffusers' UNetMidBlock2DCrossAttn and UNetMidBlock2D.
class MidBlock : public torch::nn::Module {
public:
    explicit MidBlock(const MidBlockShape& shape);
    ~MidBlock() override;
    at::Tensor forward(const at::Tensor& x, const at::Tensor& time_embedding = {}, const at::Tensor& context = {});

private:
    struct Layers;
    std::unique_ptr<Layers> layers_;
};

}  // namespace facemix
