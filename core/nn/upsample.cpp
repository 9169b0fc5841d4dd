#include "nn/upsample.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/conv.h>

#include "nn/mixed_precision.h"

namespace facemix {

struct Upsample::Layers {
    torch::nn::Conv2d conv{nullptr};
};

Upsample::Upsample(std::int64_t channels) : layers_(std::make_unique<Layers>()) {
    layers_->conv = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, channels, 3).padding(1)));
}

Upsample::~Upsample() = default;

at::Tensor Upsample::forward(const at::Tensor& x, at::IntArrayRef size) {
    const at::Tensor resized = size.empty() ? at::upsample_nearest2d(x, {2 * x.size(2), 2 * x.size(3)})
                                            : at::upsample_nearest2d(x, size);
    return conv2d(*layers_->conv, resized);
}

}  // namespace facemix
