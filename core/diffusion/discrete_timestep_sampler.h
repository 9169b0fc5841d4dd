#pragma once

#include <cstdint>
#include <vector>

#include "diffusion/sampler.h"

namespace facemix {

// What DDIM and PLMS share: they step between integer training timesteps using ᾱ directly, the sample
// stays at unit variance (initial noise unscaled, model input unscaled), and each step looks back a
// fixed stride of T div steps from its timestep, as diffusers' DDIMScheduler and PNDMScheduler do,
// whatever the spacing put there.
class DiscreteTimestepSampler : public Sampler {
public:
    const std::vector<double>& timesteps() const override { return timesteps_; }
    std::int64_t inference_steps() const override { return steps_; }
    at::Tensor scale_initial_noise(const at::Tensor& noise) const override { return noise; }
    // sqrt(ᾱ_t)·x0 + sqrt(1 − ᾱ_t)·noise at t = timesteps()[i].
    at::Tensor add_noise(const at::Tensor& x0, const at::Tensor& noise, std::size_t i) const override;
    at::Tensor scale_model_input(const at::Tensor& x, std::size_t i) const override;

protected:
    DiscreteTimestepSampler(const DiffusionSchedule& schedule, const SamplerOptions& options);

    // Sets the step count and the spaced integer timesteps (a subclass may then rearrange them).
    void space_timesteps(std::int64_t steps);
    // The timestep of step i, checked.
    std::int64_t timestep(std::size_t i) const;
    // ᾱ_t; past the end of the schedule (t < 0) ᾱ_0, as SD's set_alpha_to_one = False.
    double alpha_cumprod(std::int64_t t) const;
    // How far back diffusers assumes the previous timestep lies: T div steps.
    std::int64_t stride() const { return schedule_.train_timesteps() / steps_; }
    const SamplerOptions& options() const { return options_; }
    const DiffusionSchedule& schedule() const { return schedule_; }

    std::vector<double> timesteps_;

private:
    DiffusionSchedule schedule_;
    SamplerOptions options_;
    std::int64_t steps_ = 0;
};

}  // namespace facemix
