#include "nn/timestep_embedding.h"

#include <cmath>

#include <ATen/ATen.h>
#include <torch/nn/modules/linear.h>

#include "nn/mixed_precision.h"

namespace facemix {

at::Tensor timestep_features(const at::Tensor& timesteps, std::int64_t channels, bool flip_sin_to_cos, double freq_shift) {
    constexpr double max_period = 10000.0;
    const std::int64_t half = channels / 2;
    const auto float32 = timesteps.options().dtype(at::kFloat);
    // The operation order follows diffusers exactly so that float32 results agree to the last bit.
    const at::Tensor exponent = at::arange(half, float32) * (-std::log(max_period)) / (static_cast<double>(half) - freq_shift);
    const at::Tensor angles = timesteps.reshape({-1, 1}).to(at::kFloat) * at::exp(exponent).unsqueeze(0);
    at::Tensor features = flip_sin_to_cos ? at::cat({at::cos(angles), at::sin(angles)}, -1)
                                          : at::cat({at::sin(angles), at::cos(angles)}, -1);
    if (channels % 2 == 1) features = at::constant_pad_nd(features, {0, 1});
    return features;
}

struct TimestepEmbedding::Layers {
    torch::nn::Linear linear_1{nullptr};
    torch::nn::Linear linear_2{nullptr};
};

TimestepEmbedding::TimestepEmbedding(std::int64_t feature_channels, std::int64_t embedding_channels)
    : layers_(std::make_unique<Layers>()) {
    layers_->linear_1 = register_module("linear_1", torch::nn::Linear(feature_channels, embedding_channels));
    layers_->linear_2 = register_module("linear_2", torch::nn::Linear(embedding_channels, embedding_channels));
}

TimestepEmbedding::~TimestepEmbedding() = default;

at::Tensor TimestepEmbedding::forward(const at::Tensor& features) {
    return linear(*layers_->linear_2, at::silu(linear(*layers_->linear_1, features)));
}

}  // namespace facemix
