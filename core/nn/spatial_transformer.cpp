#include "nn/spatial_transformer.h"

#include <vector>

#include <ATen/ATen.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include "nn/attention.h"
#include "nn/mixed_precision.h"

namespace facemix {
// A named namespace rather than an anonymous one: SpatialTransformer::Layers holds these blocks, and a
// member type of internal linkage is an error once this file shares a unity batch.
namespace spatial_transformer_parts {

// The GEGLU feed-forward: one projection to twice the hidden width, half of it gating the other half
// through GELU, then back down. Named net.0.proj and net.2 like the reference (net.1 is a dropout).
class FeedForward : public torch::nn::Module {
public:
    explicit FeedForward(std::int64_t channels) {
        constexpr std::int64_t expansion = 4;
        auto net = std::make_shared<torch::nn::Module>();
        auto geglu = std::make_shared<torch::nn::Module>();
        proj_ = geglu->register_module("proj", torch::nn::Linear(channels, 2 * expansion * channels));
        net->register_module("0", geglu);
        out_ = net->register_module("2", torch::nn::Linear(expansion * channels, channels));
        register_module("net", net);
    }

    at::Tensor forward(const at::Tensor& x) {
        const auto halves = linear(*proj_, x).chunk(2, -1);
        return linear(*out_, halves[0] * at::gelu(halves[1]));
    }

private:
    torch::nn::Linear proj_{nullptr};
    torch::nn::Linear out_{nullptr};
};

class TransformerBlock : public torch::nn::Module {
public:
    explicit TransformerBlock(const SpatialTransformerShape& shape) {
        const auto channels = shape.channels;
        const auto layer_norm = [channels] { return torch::nn::LayerNorm(torch::nn::LayerNormOptions({channels})); };
        norm1_ = register_module("norm1", layer_norm());
        attn1_ = register_module("attn1", std::make_shared<Attention>(AttentionShape{
                                              .query_channels = channels, .context_channels = channels, .heads = shape.heads}));
        norm2_ = register_module("norm2", layer_norm());
        attn2_ = register_module("attn2", std::make_shared<Attention>(AttentionShape{
                                              .query_channels = channels,
                                              .context_channels = shape.context_channels,
                                              .heads = shape.heads}));
        norm3_ = register_module("norm3", layer_norm());
        ff_ = register_module("ff", std::make_shared<FeedForward>(channels));
    }

    at::Tensor forward(at::Tensor tokens, const at::Tensor& context) {
        tokens = tokens + attn1_->forward(layer_norm(*norm1_, tokens));
        tokens = tokens + attn2_->forward(layer_norm(*norm2_, tokens), context);
        return tokens + ff_->forward(layer_norm(*norm3_, tokens));
    }

private:
    torch::nn::LayerNorm norm1_{nullptr}, norm2_{nullptr}, norm3_{nullptr};
    std::shared_ptr<Attention> attn1_, attn2_;
    std::shared_ptr<FeedForward> ff_;
};

}  // namespace spatial_transformer_parts

using spatial_transformer_parts::TransformerBlock;

struct SpatialTransformer::Layers {
    bool linear_projection = false;
    torch::nn::GroupNorm norm{nullptr};
    // Exactly one of each pair exists, depending on linear_projection.
    torch::nn::Conv2d proj_in_conv{nullptr}, proj_out_conv{nullptr};
    torch::nn::Linear proj_in_linear{nullptr}, proj_out_linear{nullptr};
    std::vector<std::shared_ptr<TransformerBlock>> blocks;
};

SpatialTransformer::SpatialTransformer(const SpatialTransformerShape& shape) : layers_(std::make_unique<Layers>()) {
    // The reference fixes this GroupNorm's epsilon, unlike the ResNet blocks' configurable one.
    constexpr double norm_eps = 1e-6;
    const auto channels = shape.channels;
    layers_->linear_projection = shape.linear_projection;
    layers_->norm = register_module(
        "norm", torch::nn::GroupNorm(torch::nn::GroupNormOptions(shape.norm_groups, channels).eps(norm_eps)));
    if (shape.linear_projection) {
        layers_->proj_in_linear = register_module("proj_in", torch::nn::Linear(channels, channels));
    } else {
        layers_->proj_in_conv = register_module("proj_in", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, channels, 1)));
    }
    torch::nn::ModuleList blocks;
    for (std::int64_t i = 0; i < shape.depth; ++i) {
        layers_->blocks.push_back(std::make_shared<TransformerBlock>(shape));
        blocks->push_back(layers_->blocks.back());
    }
    register_module("transformer_blocks", blocks);
    if (shape.linear_projection) {
        layers_->proj_out_linear = register_module("proj_out", torch::nn::Linear(channels, channels));
    } else {
        layers_->proj_out_conv = register_module("proj_out", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, channels, 1)));
    }
}

SpatialTransformer::~SpatialTransformer() = default;

at::Tensor SpatialTransformer::forward(const at::Tensor& image, const at::Tensor& context) {
    // [B, H*W, C], laid out as such: with a transposed view of the map the blocks' residual stream
    // inherited its strides, and their adds ran strided at twice the time (profiled on SD v1, bf16).
    const auto to_tokens = [](const at::Tensor& map) { return map.flatten(2).transpose(1, 2).contiguous(); };
    const auto to_map = [&image](const at::Tensor& tokens) { return tokens.transpose(1, 2).reshape(image.sizes()); };
    const at::Tensor normed = group_norm(*layers_->norm, image);
    at::Tensor tokens = layers_->linear_projection ? linear(*layers_->proj_in_linear, to_tokens(normed))
                                                   : to_tokens(conv2d(*layers_->proj_in_conv, normed));
    for (const auto& block : layers_->blocks) tokens = block->forward(tokens, context);
    const at::Tensor out = layers_->linear_projection ? to_map(linear(*layers_->proj_out_linear, tokens))
                                                      : conv2d(*layers_->proj_out_conv, to_map(tokens).contiguous(image.suggest_memory_format()));
    return out + image;
}

}  // namespace facemix
