#include "diffusion/sigma_sampler.h"

#include <cmath>

#include <ATen/TensorOperators.h>

#include "diffusion/sampler_support.h"
#include "diffusion/timestep_spacing.h"

namespace facemix {
namespace {

// diffusers computes the σ-dependent scales on float32 scalars: sqrt(σ² + 1) in float32.
float unit_variance_scale(double sigma) {
    const auto s = static_cast<float>(sigma);
    return std::sqrt(s * s + 1.0f);
}

}  // namespace

SigmaSampler::SigmaSampler(const DiffusionSchedule& schedule, const SamplerOptions& options)
    : schedule_(schedule), options_(options) {}

void SigmaSampler::set_timesteps(std::int64_t steps) {
    timesteps_ = spaced_timesteps(options_.spacing, schedule_.train_timesteps(), steps, options_.steps_offset,
                                  /*round_to_integers=*/false);
    sigmas_.clear();
    for (const double t : timesteps_) sigmas_.push_back(static_cast<float>(schedule_.sigma_at(t)));
    sigmas_.push_back(0.0);
}

double SigmaSampler::sigma(std::size_t i) const {
    require_step_index(i, timesteps_.size(), name());
    return sigmas_[i];
}

double SigmaSampler::next_sigma(std::size_t i) const {
    require_step_index(i, timesteps_.size(), name());
    return sigmas_[i + 1];
}

at::Tensor SigmaSampler::scale_initial_noise(const at::Tensor& noise) const {
    const double sigma_max = sigma(0);
    const double scale = options_.spacing == TimestepSpacing::Leading ? unit_variance_scale(sigma_max) : sigma_max;
    return noise * scale;
}

at::Tensor SigmaSampler::add_noise(const at::Tensor& x0, const at::Tensor& noise, std::size_t i) const {
    return x0 + noise * sigma(i);
}

at::Tensor SigmaSampler::scale_model_input(const at::Tensor& x, std::size_t i) const {
    return x / unit_variance_scale(sigma(i));
}

}  // namespace facemix
