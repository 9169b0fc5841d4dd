#pragma once

#include <cstdint>
#include <vector>

#include "diffusion/noise_schedule_config.h"

namespace facemix {

// The forward process of a trained model in numbers: β_t, ᾱ_t = Π(1 − β) and σ_t = sqrt((1 − ᾱ)/ᾱ)
// for t = 0 … T−1. They are computed in float32 with the same LibTorch operations diffusers uses
// (linspace, cumprod) and kept as doubles, so every sampler starts from diffusers' exact numbers.
class DiffusionSchedule {
public:
    // Throws InputError for an unknown beta_schedule ("scaled_linear", "linear") or prediction type
    // other than "epsilon", or non-positive sizes.
    explicit DiffusionSchedule(const NoiseSchedule& schedule);

    std::int64_t train_timesteps() const { return static_cast<std::int64_t>(betas_.size()); }
    const std::vector<double>& betas() const { return betas_; }
    const std::vector<double>& alphas_cumprod() const { return alphas_cumprod_; }
    const std::vector<double>& sigmas() const { return sigmas_; }
    bool clip_sample() const { return clip_sample_; }  // NoiseSchedule::clip_sample
    // σ at a fractional timestep, linear in σ between the integer timesteps and clamped to [0, T−1]
    // (diffusers' np.interp over the training sigmas).
    double sigma_at(double t) const;
    // The fractional timestep whose σ is `sigma`, linear in log σ between the neighbouring training
    // timesteps and clamped to [0, T−1] (diffusers' _sigma_to_t).
    double timestep_at_sigma(double sigma) const;

private:
    std::vector<double> betas_;
    std::vector<double> alphas_cumprod_;
    std::vector<double> sigmas_;
    std::vector<double> log_sigmas_;
    bool clip_sample_ = false;
};

}  // namespace facemix
