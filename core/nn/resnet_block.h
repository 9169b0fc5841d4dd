#pragma once

#include <cstdint>
#include <memory>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

namespace facemix {

struct ResnetBlockShape {
    std::int64_t in_channels = 0;
    std::int64_t out_channels = 0;
    std::int64_t time_channels = 0;  // width of the timestep embedding; 0 for blocks without one (the VAE)
    std::int64_t norm_groups = 32;
    double norm_eps = 1e-5;
};

// The SD ResNet block (diffusers' ResnetBlock2D): GroupNorm, SiLU, 3×3 conv, plus the projected
// timestep embedding, GroupNorm, SiLU, 3×3 conv, added to the input (through a 1×1 conv when the
// channel count changes). Dropout sits between the convs in training code; inference skips it.
class ResnetBlock : public torch::nn::Module {
public:
    explicit ResnetBlock(const ResnetBlockShape& shape);
    ~ResnetBlock() override;
    // time_embedding: [B, time_channels], or undefined for blocks built without one.
    at::Tensor forward(const at::Tensor& x, const at::Tensor& time_embedding = {});

private:
    struct Layers;
    std::unique_ptr<Layers> layers_;
};

}  // namespace facemix
