#include "diffusion/discrete_timestep_sampler.h"

#include <cmath>

#include <ATen/TensorOperators.h>

#include "diffusion/sampler_support.h"
#include "diffusion/timestep_spacing.h"

namespace facemix {

DiscreteTimestepSampler::DiscreteTimestepSampler(const DiffusionSchedule& schedule, const SamplerOptions& options)
    : schedule_(schedule), options_(options) {}

void DiscreteTimestepSampler::space_timesteps(std::int64_t steps) {
    timesteps_ = spaced_timesteps(options_.spacing, schedule_.train_timesteps(), steps, options_.steps_offset,
                                  /*round_to_integers=*/true);
    steps_ = steps;
}

std::int64_t DiscreteTimestepSampler::timestep(std::size_t i) const {
    require_step_index(i, timesteps_.size(), name());
    return static_cast<std::int64_t>(timesteps_[i]);
}

double DiscreteTimestepSampler::alpha_cumprod(std::int64_t t) const {
    const auto& alphas = schedule_.alphas_cumprod();
    return alphas.at(static_cast<std::size_t>(t < 0 ? 0 : t));
}

at::Tensor DiscreteTimestepSampler::add_noise(const at::Tensor& x0, const at::Tensor& noise, std::size_t i) const {
    const double alpha = alpha_cumprod(timestep(i));
    return x0 * std::sqrt(alpha) + noise * std::sqrt(1 - alpha);
}

at::Tensor DiscreteTimestepSampler::scale_model_input(const at::Tensor& x, std::size_t i) const {
    require_step_index(i, timesteps_.size(), name());
    return x;
}

}  // namespace facemix
