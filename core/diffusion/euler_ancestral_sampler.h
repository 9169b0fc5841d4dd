#pragma once

#include "diffusion/sigma_sampler.h"

namespace facemix {

// Euler ancestral (k-diffusion's sample_euler_ancestral, diffusers' EulerAncestralDiscreteScheduler):
// each step goes deterministically down to σ_down and adds fresh noise of σ_up, where
// σ_up² + σ_down² = σ_{i+1}² and σ_up² = σ_{i+1}²(σ_i² − σ_{i+1}²)/σ_i² (DDPM's posterior). Noise is drawn
// at every step, the last one included, so the generator advances exactly as diffusers'.
class EulerAncestralSampler final : public SigmaSampler {
public:
    EulerAncestralSampler(const DiffusionSchedule& schedule, const SamplerOptions& options)
        : SigmaSampler(schedule, options) {}

    std::string name() const override { return "euler_a"; }
    at::Tensor step(const at::Tensor& eps, std::size_t i, const at::Tensor& x,
                    std::optional<at::Generator> generator) override;
};

}  // namespace facemix
