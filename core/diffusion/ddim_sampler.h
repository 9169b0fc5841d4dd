#pragma once

#include "diffusion/discrete_timestep_sampler.h"

namespace facemix {

// DDIM (Song et al. 2020) as diffusers' DDIMScheduler with SD v1's configuration (clip_sample off,
// set_alpha_to_one off). options.eta scales the fresh noise of each step: 0 is deterministic DDIM,
// 1 has DDPM's posterior variance.
class DdimSampler final : public DiscreteTimestepSampler {
public:
    DdimSampler(const DiffusionSchedule& schedule, const SamplerOptions& options);
    // Throws InputError for an eta outside [0, 1].
    static void check_options(const SamplerOptions& options);

    std::string name() const override { return "ddim"; }
    void set_timesteps(std::int64_t steps) override { space_timesteps(steps); }
    at::Tensor step(const at::Tensor& eps, std::size_t i, const at::Tensor& x,
                    std::optional<at::Generator> generator) override;
};

}  // namespace facemix
