#include "nn/attention.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include "nn/mixed_precision.h"

namespace facemix {

struct Attention::Layers {
    torch::nn::Linear to_q{nullptr};
    torch::nn::Linear to_k{nullptr};
    torch::nn::Linear to_v{nullptr};
    torch::nn::Linear to_out{nullptr};
};

Attention::Attention(const AttentionShape& shape) : heads_(shape.heads), layers_(std::make_unique<Layers>()) {
    using torch::nn::LinearOptions;
    const auto channels = shape.query_channels;
    layers_->to_q = register_module("to_q", torch::nn::Linear(LinearOptions(channels, channels).bias(shape.qkv_bias)));
    layers_->to_k = register_module("to_k", torch::nn::Linear(LinearOptions(shape.context_channels, channels).bias(shape.qkv_bias)));
    layers_->to_v = register_module("to_v", torch::nn::Linear(LinearOptions(shape.context_channels, channels).bias(shape.qkv_bias)));
    // to_out is a list in the reference code because a dropout follows the projection at index 1.
    torch::nn::ModuleList to_out;
    layers_->to_out = torch::nn::Linear(channels, channels);
    to_out->push_back(layers_->to_out);
    register_module("to_out", to_out);
}

Attention::~Attention() = default;

at::Tensor Attention::forward(const at::Tensor& x, const at::Tensor& context) {
    const at::Tensor& source = context.defined() ? context : x;
    const auto split_heads = [this](const at::Tensor& t) {
        return t.unflatten(-1, {heads_, -1}).transpose(1, 2);  // [B, N, C] -> [B, heads, N, C / heads]
    };
    const at::Tensor attended = at::scaled_dot_product_attention(
        split_heads(linear(*layers_->to_q, x)), split_heads(linear(*layers_->to_k, source)),
        split_heads(linear(*layers_->to_v, source)));
    return linear(*layers_->to_out, attended.transpose(1, 2).flatten(2));
}

struct ImageSelfAttention::Norm {
    torch::nn::GroupNorm group_norm{nullptr};
};

ImageSelfAttention::ImageSelfAttention(std::int64_t channels, std::int64_t norm_groups, double norm_eps)
    : Attention({.query_channels = channels, .context_channels = channels, .heads = 1, .qkv_bias = true}),
      norm_(std::make_unique<Norm>()) {
    norm_->group_norm = register_module(
        "group_norm", torch::nn::GroupNorm(torch::nn::GroupNormOptions(norm_groups, channels).eps(norm_eps)));
}

ImageSelfAttention::~ImageSelfAttention() = default;

at::Tensor ImageSelfAttention::forward(const at::Tensor& image) {
    const at::Tensor pixels = group_norm(*norm_->group_norm, image).flatten(2).transpose(1, 2);  // [B, H*W, C]
    return image + Attention::forward(pixels).transpose(1, 2).reshape(image.sizes());
}

}  // namespace facemix
