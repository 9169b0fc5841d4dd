#pragma once

#include "diffusion/sigma_sampler.h"

namespace facemix {

// Euler's method on the probability-flow ODE dx/dσ = ε (Karras et al. 2022, without churn), as
// diffusers' EulerDiscreteScheduler: x_{i+1} = x_i + (σ_{i+1} − σ_i)·ε.
class EulerSampler final : public SigmaSampler {
public:
    EulerSampler(const DiffusionSchedule& schedule, const SamplerOptions& options) : SigmaSampler(schedule, options) {}

    std::string name() const override { return "euler"; }
    at::Tensor step(const at::Tensor& eps, std::size_t i, const at::Tensor& x,
                    std::optional<at::Generator> generator) override;
};

}  // namespace facemix
