#pragma once

#include <cstdint>
#include <memory>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

namespace facemix {

// Nearest-neighbour upsampling followed by a 3×3 conv named `conv`.
class Upsample : public torch::nn::Module {
public:
    explicit Upsample(std::int64_t channels);
    ~Upsample() override;
    // Doubles the resolution, or resizes to `size` ([H, W]) where the UNet must meet a skip
    // connection whose size was odd before downsampling.
    at::Tensor forward(const at::Tensor& x, at::IntArrayRef size = {});

private:
    struct Layers;
    std::unique_ptr<Layers> layers_;
};

}  // namespace facemix
