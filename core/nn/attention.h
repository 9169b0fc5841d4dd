#pragma once

#include <cstdint>
#include <memory>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

namespace facemix {

struct AttentionShape {
    std::int64_t query_channels = 0;
    std::int64_t context_channels = 0;  // width of the keys' and values' source; query_channels for self-attention
    std::int64_t heads = 1;             // query_channels is split evenly between them
    bool qkv_bias = false;              // the UNet's projections have none, the VAE's have
};

// Multi-head scaled dot-product attention with diffusers' parameter names (to_q, to_k, to_v, to_out.0).
class Attention : public torch::nn::Module {
public:
    explicit Attention(const AttentionShape& shape);
    ~Attention() override;
    // x: [B, N, query_channels]; context: [B, M, context_channels], or undefined to attend to x itself.
    at::Tensor forward(const at::Tensor& x, const at::Tensor& context = {});

private:
    struct Layers;
    std::int64_t heads_;
    std::unique_ptr<Layers> layers_;
};

// The VAE's single-head self-attention over all pixels of a feature map (diffusers' Attention with a
// group_norm and a residual connection): the group norm sits beside the projections, not above them.
class ImageSelfAttention : public Attention {
public:
    ImageSelfAttention(std::int64_t channels, std::int64_t norm_groups, double norm_eps);
    ~ImageSelfAttention() override;
    at::Tensor forward(const at::Tensor& image);

private:
    struct Norm;
    std::unique_ptr<Norm> norm_;
};

}  // namespace facemix
