#include "diffusion/noise_schedule.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <ATen/core/Tensor.h>
#include <ATen/ops/cumprod.h>
#include <ATen/ops/linspace.h>
#include <ATen/TensorOperators.h>


namespace facemix {
namespace {

std::vector<double> to_doubles(const at::Tensor& values) {
    const at::Tensor contiguous = values.contiguous();
    const float* data = contiguous.const_data_ptr<float>();
    return {data, data + contiguous.numel()};
}

// diffusers builds β in float32: linspace over β ("linear") or over sqrt β ("scaled_linear", SD's).
at::Tensor float32_betas(const NoiseSchedule& schedule) {
    const auto options = at::TensorOptions().dtype(at::kFloat);
    if (schedule.beta_schedule == "linear")
        return at::linspace(schedule.beta_start, schedule.beta_end, schedule.train_timesteps, options);
    return at::linspace(std::sqrt(schedule.beta_start), std::sqrt(schedule.beta_end), schedule.train_timesteps, options)
        .pow(2);
}

}  // namespace

DiffusionSchedule::DiffusionSchedule(const NoiseSchedule& schedule) {
    check_noise_schedule(schedule);
    clip_sample_ = schedule.clip_sample;
    const at::Tensor betas = float32_betas(schedule);
    const at::Tensor alphas_cumprod = at::cumprod(1 - betas, 0);
    const at::Tensor sigmas = ((1 - alphas_cumprod) / alphas_cumprod).pow(0.5);
    betas_ = to_doubles(betas);
    alphas_cumprod_ = to_doubles(alphas_cumprod);
    sigmas_ = to_doubles(sigmas);
    // diffusers takes log σ with numpy on the float32 sigmas, so in float32 too.
    log_sigmas_.reserve(sigmas_.size());
    for (const double sigma : sigmas_) log_sigmas_.push_back(std::log(static_cast<float>(sigma)));
}

double DiffusionSchedule::sigma_at(double t) const {
    const auto last = static_cast<double>(sigmas_.size() - 1);
    if (!(t > 0)) return sigmas_.front();
    if (t >= last) return sigmas_.back();
    const auto j = static_cast<std::size_t>(std::floor(t));
    const double low = static_cast<double>(j);
    if (t == low) return sigmas_[j];
    return (sigmas_[j + 1] - sigmas_[j]) * (t - low) + sigmas_[j];
}

double DiffusionSchedule::timestep_at_sigma(double sigma) const {
    const double log_sigma = std::log(std::max(sigma, 1e-10));
    // The last training timestep whose σ does not exceed `sigma` (log σ rises with t), kept one short of
    // the end so there is a timestep above it to interpolate towards.
    std::size_t low = 0;
    for (std::size_t j = 0; j < log_sigmas_.size(); ++j)
        if (log_sigmas_[j] <= log_sigma) low = j;
    low = std::min(low, log_sigmas_.size() - 2);
    const double w = std::clamp((log_sigmas_[low] - log_sigma) / (log_sigmas_[low] - log_sigmas_[low + 1]), 0.0, 1.0);
    return (1 - w) * static_cast<double>(low) + w * static_cast<double>(low + 1);
}

}  // namespace facemix
