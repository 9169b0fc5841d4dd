#include "nn/downsample.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/conv.h>

#include "nn/mixed_precision.h"

namespace facemix {

struct Downsample::Layers {
    Padding padding = Padding::Symmetric;
    torch::nn::Conv2d conv{nullptr};
};

Downsample::Downsample(std::int64_t channels, Padding padding) : layers_(std::make_unique<Layers>()) {
    layers_->padding = padding;
    const int conv_padding = padding == Padding::Symmetric ? 1 : 0;
    layers_->conv = register_module(
        "conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, channels, 3).stride(2).padding(conv_padding)));
}

Downsample::~Downsample() = default;

at::Tensor Downsample::forward(const at::Tensor& x) {
    if (layers_->padding == Padding::Symmetric) return conv2d(*layers_->conv, x);
    return conv2d(*layers_->conv, at::constant_pad_nd(x, {0, 1, 0, 1}));
}

}  // namespace facemix
