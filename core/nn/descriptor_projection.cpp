#include "nn/descriptor_projection.h"

#include <ATen/ops/silu.h>
#include <torch/nn/modules/linear.h>

#include "nn/mixed_precision.h"

namespace facemix {

DescriptorProjection::DescriptorProjection(const DescriptorProjectionConfig& config) : config_(config) {
    config_.validate();
    const std::int64_t hidden = config_.hidden_dim > 0 ? config_.hidden_dim : config_.input_dim;
    if (config_.hidden_dim > 0)
        in_ = register_module("in", std::make_shared<torch::nn::LinearImpl>(config_.input_dim, hidden));
    out_ = register_module("out", std::make_shared<torch::nn::LinearImpl>(hidden, config_.output_dim));
    // Inference never needs gradients; the trainer switches them on for what it trains.
    for (auto& parameter : parameters()) parameter.set_requires_grad(false);
}

DescriptorProjection::~DescriptorProjection() = default;

at::Tensor DescriptorProjection::forward(const at::Tensor& descriptor) {
    const at::Tensor x = descriptor.to(activation_dtype(out_->weight));
    return linear(*out_, in_ ? at::silu(linear(*in_, x)) : x);
}

}  // namespace facemix
