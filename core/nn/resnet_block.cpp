#include "nn/resnet_block.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include "nn/mixed_precision.h"

namespace facemix {

struct ResnetBlock::Layers {
    torch::nn::GroupNorm norm1{nullptr};
    torch::nn::Conv2d conv1{nullptr};
    torch::nn::Linear time_emb_proj{nullptr};
    torch::nn::GroupNorm norm2{nullptr};
    torch::nn::Conv2d conv2{nullptr};
    torch::nn::Conv2d conv_shortcut{nullptr};
};

ResnetBlock::ResnetBlock(const ResnetBlockShape& shape) : layers_(std::make_unique<Layers>()) {
    using torch::nn::Conv2dOptions;
    using torch::nn::GroupNormOptions;
    const auto in = shape.in_channels, out = shape.out_channels;
    layers_->norm1 = register_module("norm1", torch::nn::GroupNorm(GroupNormOptions(shape.norm_groups, in).eps(shape.norm_eps)));
    layers_->conv1 = register_module("conv1", torch::nn::Conv2d(Conv2dOptions(in, out, 3).padding(1)));
    if (shape.time_channels > 0)
        layers_->time_emb_proj = register_module("time_emb_proj", torch::nn::Linear(shape.time_channels, out));
    layers_->norm2 = register_module("norm2", torch::nn::GroupNorm(GroupNormOptions(shape.norm_groups, out).eps(shape.norm_eps)));
    layers_->conv2 = register_module("conv2", torch::nn::Conv2d(Conv2dOptions(out, out, 3).padding(1)));
    if (in != out) layers_->conv_shortcut = register_module("conv_shortcut", torch::nn::Conv2d(Conv2dOptions(in, out, 1)));
}

ResnetBlock::~ResnetBlock() = default;

at::Tensor ResnetBlock::forward(const at::Tensor& x, const at::Tensor& time_embedding) {
    at::Tensor h = conv2d(*layers_->conv1, at::silu(group_norm(*layers_->norm1, x)));
    if (layers_->time_emb_proj) h = h + linear(*layers_->time_emb_proj, at::silu(time_embedding)).unsqueeze(-1).unsqueeze(-1);
    h = conv2d(*layers_->conv2, at::silu(group_norm(*layers_->norm2, h)));
    return (layers_->conv_shortcut ? conv2d(*layers_->conv_shortcut, x) : x) + h;
}

}  // namespace facemix
