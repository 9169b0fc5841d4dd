#pragma once

#include <cstdint>
#include <vector>

#include "diffusion/sampler.h"

namespace facemix {

// What the Euler samplers share (k-diffusion's formulation, as diffusers' Euler schedulers): the
// sample lives at scale x = x0 + σ·ε, the model sees x / sqrt(σ² + 1), and each step moves from σ_i to
// σ_{i+1} (σ after the last step is 0). The timesteps are spaced without rounding (linspace leaves
// them fractional) and σ is interpolated linearly between training timesteps.
class SigmaSampler : public Sampler {
public:
    void set_timesteps(std::int64_t steps) final;
    const std::vector<double>& timesteps() const final { return timesteps_; }
    std::int64_t inference_steps() const final { return static_cast<std::int64_t>(timesteps_.size()); }
    // noise · diffusers' init_noise_sigma: σ_0 for trailing and linspace spacing but sqrt(σ_0² + 1) for
    // leading, a quirk of diffusers kept so seeds reproduce its images.
    at::Tensor scale_initial_noise(const at::Tensor& noise) const final;
    at::Tensor add_noise(const at::Tensor& x0, const at::Tensor& noise, std::size_t i) const final;
    at::Tensor scale_model_input(const at::Tensor& x, std::size_t i) const final;

protected:
    SigmaSampler(const DiffusionSchedule& schedule, const SamplerOptions& options);

    // σ before step i (checked) and after it.
    double sigma(std::size_t i) const;
    double next_sigma(std::size_t i) const;

private:
    DiffusionSchedule schedule_;
    SamplerOptions options_;
    std::vector<double> timesteps_;
    std::vector<double> sigmas_;  // one per step and a final 0, rounded to float32 as diffusers stores them
};

}  // namespace facemix
