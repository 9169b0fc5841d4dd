#pragma once

#include <memory>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include "nn/unet_config.h"

namespace facemix {

// The SD-family conditional UNet (diffusers' UNet2DConditionModel for SD 1/2 configs). Its parameter
// names are diffusers' state-dict names, the canonical names load_weights expects.
class UNet : public torch::nn::Module {
public:
    explicit UNet(const UNetConfig& config);  // validates the config (InputError)
    ~UNet() override;

    const UNetConfig& config() const { return config_; }

    // The predicted noise ε for noisy latents [B, in_channels, H, W] at timesteps [B] (or one for the
    // whole batch; integer or fractional), cross-attending to context [B, N, context_dim] for any
    // number of tokens N. Inputs are cast to the weights' dtype; ε comes back in the latents' dtype.
    at::Tensor forward(const at::Tensor& latents, const at::Tensor& timesteps, const at::Tensor& context);

    // Gradient checkpointing per block (each down, mid and up block): while on, a forward pass with
    // gradients keeps only the blocks' inputs and recomputes each block in the backward pass, for the
    // memory of fine-tuning large UNets. The gradients are those without it (up to rounding).
    void set_gradient_checkpointing(bool on) { checkpointing_ = on; }

    // Weight streaming: while on, a forward pass without checkpointing hands each block's weights back
    // once the block has run, so about one block's weights are resident at a time instead of the whole
    // network's. Only weights mapped from a model file go (io/mapped_file): they stay in the page cache
    // and fault back in when the block runs next, at the cost of those page faults every call.
    void set_weight_streaming(bool on) { streaming_ = on; }
    bool weight_streaming() const { return streaming_; }

private:
    struct Layers;
    UNetConfig config_;
    std::unique_ptr<Layers> layers_;
    bool checkpointing_ = false;
    bool streaming_ = false;
};

}  // namespace facemix
