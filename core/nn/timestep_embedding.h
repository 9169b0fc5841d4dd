#pragma once

#include <cstdint>
#include <memory>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

namespace facemix {

// Sinusoidal features of diffusion timesteps [B] (any numeric dtype) as float32 [B, channels]: the
// sines and cosines of t at frequencies falling geometrically from 1 to 1/10000, the encoding every
// SD-family UNet was trained with. flip_sin_to_cos puts the cosines first (SD v1 and the LDM code do);
// freq_shift is diffusers' downscale_freq_shift (0 for SD v1).
at::Tensor timestep_features(const at::Tensor& timesteps, std::int64_t channels, bool flip_sin_to_cos, double freq_shift);

// The two-layer MLP that turns timestep features into the embedding each ResNet block adds
// (diffusers' TimestepEmbedding: linear_1, SiLU, linear_2).
class TimestepEmbedding : public torch::nn::Module {
public:
    TimestepEmbedding(std::int64_t feature_channels, std::int64_t embedding_channels);
    ~TimestepEmbedding() override;
    at::Tensor forward(const at::Tensor& features);

private:
    struct Layers;
    std::unique_ptr<Layers> layers_;
};

}  // namespace facemix
