#pragma once

#include <cstdint>
#include <vector>

#include "diffusion/discrete_timestep_sampler.h"

namespace facemix {

// PLMS, the pseudo linear multistep method of PNDM (Liu et al. 2022) as Stable Diffusion runs it:
// diffusers' PNDMScheduler with skip_prk_steps. Instead of Runge-Kutta warm-up steps it takes one
// Euler step, evaluates the model there and redoes that step with the mean of both ε (so timesteps()
// holds the second timestep twice: steps + 1 evaluations), then Adams-Bashforth steps of rising order
// (2, 3, 4) over the ε of earlier steps.
class PlmsSampler final : public DiscreteTimestepSampler {
public:
    PlmsSampler(const DiffusionSchedule& schedule, const SamplerOptions& options);

    std::string name() const override { return "plms"; }
    void set_timesteps(std::int64_t steps) override;
    at::Tensor step(const at::Tensor& eps, std::size_t i, const at::Tensor& x,
                    std::optional<at::Generator> generator) override;

private:
    // x at timestep `from` moved to `to` along ε (PNDM's transfer formula, eq. 11 of the paper).
    at::Tensor transfer(const at::Tensor& x, std::int64_t from, std::int64_t to, const at::Tensor& eps) const;

    // The state is kept as diffusers keeps it, counted in steps taken since set_timesteps, so a run
    // that starts part-way (SDEdit) warms up exactly as diffusers' img2img does: the warm-up's repeated
    // timestep sits at the start of timesteps(), so a late start redoes its first step at the next
    // timestep and from then on evaluates the model one timestep below the sample's noise level. That
    // is diffusers' behaviour, kept so its images reproduce.
    std::int64_t steps_taken_ = 0;
    std::vector<at::Tensor> earlier_eps_;  // the ε of the last (up to) 4 steps, oldest first
    at::Tensor warm_up_start_;             // x before the first step, which the second step redoes
};

}  // namespace facemix
