#pragma once

#include <memory>

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include "nn/autoencoder_kl_config.h"

namespace facemix {

// The SD-family KL autoencoder (diffusers' AutoencoderKL): an encoder to a diagonal Gaussian over
// latents and a decoder back to images. Its parameter names are diffusers' state-dict names.
// Images are [B, C, H, W] in [-1, 1]; latents are in the UNet's scale (posterior × scaling_factor).
// Inputs are cast to the weights' dtype; results come back in the input's dtype.
class AutoencoderKL : public torch::nn::Module {
public:
    explicit AutoencoderKL(const AutoencoderKLConfig& config);  // validates the config (InputError)
    ~AutoencoderKL() override;

    const AutoencoderKLConfig& config() const { return config_; }

    // The posterior mean: the deterministic encoding (img2img start points, training targets).
    at::Tensor encode(const at::Tensor& image);
    // A draw from the posterior, mean + σ·noise, with noise from `generator`.
    at::Tensor encode_sampled(const at::Tensor& image, at::Generator generator);
    at::Tensor decode(const at::Tensor& latents);

private:
    struct Layers;
    // The posterior's mean and log-variance, unscaled, in the weights' dtype.
    std::pair<at::Tensor, at::Tensor> posterior(const at::Tensor& image);

    AutoencoderKLConfig config_;
    std::unique_ptr<Layers> layers_;
};

}  // namespace facemix
