#pragma once

#include <cstdint>
#include <vector>

#include "diffusion/sampler.h"

namespace facemix {

// DPM-Solver++(2M) (Lu et al. 2022), as diffusers' DPMSolverMultistepScheduler with algorithm
// dpmsolver++, solver_order 2 and its defaults: the sample stays at unit variance (x = α·x0 + σ_vp·ε
// with α = 1/sqrt(σ² + 1), σ_vp = σ·α), each step predicts x0 and integrates exactly in
// λ = log(α/σ_vp), second order from the x0 of the step before. The first step of a run and the last
// step (to σ = 0, which returns the predicted x0) are first order.
//
// With `karras_sigmas` the σ follow Karras et al.'s ρ = 7 ramp from σ_max to σ_min of the training
// schedule, and the model timesteps are those σ mapped back and rounded; otherwise the spacing picks the
// timesteps (leading and linspace over steps + 1 points with the last dropped, as diffusers does).
class DpmSolver2mSampler final : public Sampler {
public:
    DpmSolver2mSampler(const DiffusionSchedule& schedule, const SamplerOptions& options, bool karras_sigmas);

    std::string name() const override { return karras_sigmas_ ? "dpmpp_2m_karras" : "dpmpp_2m"; }
    void set_timesteps(std::int64_t steps) override;
    const std::vector<double>& timesteps() const override { return timesteps_; }
    std::int64_t inference_steps() const override { return static_cast<std::int64_t>(timesteps_.size()); }
    at::Tensor scale_initial_noise(const at::Tensor& noise) const override { return noise; }
    at::Tensor add_noise(const at::Tensor& x0, const at::Tensor& noise, std::size_t i) const override;
    at::Tensor scale_model_input(const at::Tensor& x, std::size_t i) const override;
    at::Tensor step(const at::Tensor& eps, std::size_t i, const at::Tensor& x,
                    std::optional<at::Generator> generator) override;

private:
    double sigma(std::size_t i) const;

    DiffusionSchedule schedule_;
    SamplerOptions options_;
    bool karras_sigmas_;
    std::vector<double> timesteps_;
    std::vector<double> sigmas_;  // one per step and a final 0, rounded to float32 as diffusers stores them
    // The x0 predicted at the previous step; the second-order update uses it only when that step was
    // i − 1 of the same run (set_timesteps forgets it).
    at::Tensor previous_x0_;
    std::optional<std::size_t> previous_index_;
};

}  // namespace facemix
