#include "nn/clip_encoder_layer.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include "nn/mixed_precision.h"

namespace facemix {

// Multi-head self-attention with separate q/k/v projections (transformers' layout; OpenAI's fused
// in_proj is split by the name map). The 1/sqrt(head_dim) scale is SDPA's default, as in CLIP.
struct ClipEncoderLayer::SelfAttention : torch::nn::Module {
    explicit SelfAttention(const ClipVisionConfig& config)
        : heads(config.heads),
          q_proj(register_module("q_proj", torch::nn::Linear(config.width, config.width))),
          k_proj(register_module("k_proj", torch::nn::Linear(config.width, config.width))),
          v_proj(register_module("v_proj", torch::nn::Linear(config.width, config.width))),
          out_proj(register_module("out_proj", torch::nn::Linear(config.width, config.width))) {}

    at::Tensor forward(const at::Tensor& tokens) {
        const std::int64_t batch = tokens.size(0);
        const std::int64_t count = tokens.size(1);
        const auto per_head = [&](torch::nn::Linear& projection) {
            return linear(*projection, tokens).view({batch, count, heads, -1}).transpose(1, 2);
        };
        const at::Tensor attended = at::scaled_dot_product_attention(per_head(q_proj), per_head(k_proj), per_head(v_proj));
        return linear(*out_proj, attended.transpose(1, 2).reshape({batch, count, -1}));
    }

    std::int64_t heads;
    torch::nn::Linear q_proj, k_proj, v_proj, out_proj;
};

struct ClipEncoderLayer::Mlp : torch::nn::Module {
    explicit Mlp(const ClipVisionConfig& config)
        : activation(config.activation),
          fc1(register_module("fc1", torch::nn::Linear(config.width, config.intermediate_size))),
          fc2(register_module("fc2", torch::nn::Linear(config.intermediate_size, config.width))) {}

    at::Tensor forward(const at::Tensor& tokens) {
        const at::Tensor hidden = linear(*fc1, tokens);
        const at::Tensor activated =
            activation == ClipActivation::QuickGelu ? hidden * at::sigmoid(1.702 * hidden) : at::gelu(hidden);
        return linear(*fc2, activated);
    }

    ClipActivation activation;
    torch::nn::Linear fc1, fc2;
};

std::shared_ptr<torch::nn::LayerNormImpl> clip_layer_norm(const ClipVisionConfig& config) {
    return std::make_shared<torch::nn::LayerNormImpl>(
        torch::nn::LayerNormOptions({config.width}).eps(config.layer_norm_eps));
}

ClipEncoderLayer::ClipEncoderLayer(const ClipVisionConfig& config)
    : layer_norm1_(register_module("layer_norm1", clip_layer_norm(config))),
      self_attn_(register_module("self_attn", std::make_shared<SelfAttention>(config))),
      layer_norm2_(register_module("layer_norm2", clip_layer_norm(config))),
      mlp_(register_module("mlp", std::make_shared<Mlp>(config))) {}

ClipEncoderLayer::~ClipEncoderLayer() = default;

at::Tensor ClipEncoderLayer::forward(const at::Tensor& tokens) {
    const at::Tensor attended = tokens + self_attn_->forward(layer_norm(*layer_norm1_, tokens));
    return attended + mlp_->forward(layer_norm(*layer_norm2_, attended));
}

}  // namespace facemix
