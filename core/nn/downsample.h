#pragma once

#include <cstdint>
#include <memory>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

namespace facemix {

// Halves the resolution with a stride-2 3×3 conv named `conv`. The UNet pads one pixel on every
// side; the VAE encoder pads only right and bottom (its conv has no padding of its own), so both
// need their own flavour to reproduce trained weights.
class Downsample : public torch::nn::Module {
public:
    enum class Padding { Symmetric, RightBottom };
    Downsample(std::int64_t channels, Padding padding);
    ~Downsample() override;
    at::Tensor forward(const at::Tensor& x);

private:
    struct Layers;
    std::unique_ptr<Layers> layers_;
};

}  // namespace facemix
