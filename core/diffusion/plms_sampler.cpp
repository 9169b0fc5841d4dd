#include "diffusion/plms_sampler.h"

#include <cmath>

#include <ATen/TensorOperators.h>

#include "diffusion/sampler_support.h"

namespace facemix {

PlmsSampler::PlmsSampler(const DiffusionSchedule& schedule, const SamplerOptions& options)
    : DiscreteTimestepSampler(schedule, options) {}

void PlmsSampler::set_timesteps(std::int64_t steps) {
    space_timesteps(steps);
    if (timesteps_.size() > 1) timesteps_.insert(timesteps_.begin() + 2, timesteps_[1]);
    steps_taken_ = 0;
    earlier_eps_.clear();
    warm_up_start_ = at::Tensor();
}

at::Tensor PlmsSampler::transfer(const at::Tensor& x, std::int64_t from, std::int64_t to, const at::Tensor& eps) const {
    const double alpha = alpha_cumprod(from);
    const double alpha_prev = alpha_cumprod(to);
    const double x_coefficient = std::sqrt(alpha_prev / alpha);
    const double eps_denominator = alpha * std::sqrt(1 - alpha_prev) + std::sqrt(alpha * (1 - alpha) * alpha_prev);
    return x * x_coefficient - eps * ((alpha_prev - alpha) / eps_denominator);
}

at::Tensor PlmsSampler::step(const at::Tensor& eps_in, std::size_t i, const at::Tensor& x,
                             std::optional<at::Generator> /*generator*/) {
    const at::Tensor eps = in_working_precision(eps_in);
    at::Tensor sample = in_working_precision(x);
    std::int64_t from = timestep(i);
    std::int64_t to = from - stride();
    if (steps_taken_ == 1) {
        // The redo of the first step: from the timestep before this one back to this one.
        to = from;
        from = from + stride();
    } else {
        if (earlier_eps_.size() == 4) earlier_eps_.erase(earlier_eps_.begin());
        earlier_eps_.push_back(eps);
    }
    const auto& e = earlier_eps_;
    const std::size_t n = e.size();
    at::Tensor combined;
    if (n == 1 && steps_taken_ == 0) {
        combined = eps;
        warm_up_start_ = sample;
    } else if (n == 1 && steps_taken_ == 1) {
        combined = (eps + e[0]) / 2;
        sample = warm_up_start_;
        warm_up_start_ = at::Tensor();
    } else if (n == 2) {
        combined = (e[1] * 3 - e[0]) / 2;
    } else if (n == 3) {
        combined = (e[2] * 23 - e[1] * 16 + e[0] * 5) / 12;
    } else {
        combined = (e[3] * 55 - e[2] * 59 + e[1] * 37 - e[0] * 9) / 24;
    }
    ++steps_taken_;
    return transfer(sample, from, to, combined).to(x.scalar_type());
}

}  // namespace facemix
