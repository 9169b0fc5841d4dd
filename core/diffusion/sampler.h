#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include "diffusion/noise_schedule.h"
#include "diffusion/sampler_names.h"

namespace facemix {

// Where the inference timesteps sit on the training schedule (diffusers' timestep_spacing).
enum class TimestepSpacing { Leading, Trailing, Linspace };
TimestepSpacing timestep_spacing_from_name(const std::string& name);  // "leading"|"trailing"|"linspace"; InputError
std::string timestep_spacing_name(TimestepSpacing spacing);

struct SamplerOptions {
    TimestepSpacing spacing = TimestepSpacing::Leading;  // SD v1's scheduler configs use leading + offset 1
    std::int64_t steps_offset = 1;
    double eta = 0.0;  // DDIM only: 0 is deterministic DDIM, 1 is DDPM-like ancestral noise
};

// One reverse-diffusion solver over an ε-predicting model, shaped like a diffusers scheduler:
//
//     sampler->set_timesteps(steps);
//     x = sampler->scale_initial_noise(noise);                 // or add_noise(x0, noise, first) for SDEdit
//     for (i = first; i < sampler->timesteps().size(); ++i) {
//         eps = model(sampler->scale_model_input(x, i), sampler->timesteps()[i]);
//         x = sampler->step(eps, i, x, generator);
//     }
//
// Steps are addressed by their index i into timesteps() (not by timestep value), so a run may start
// part-way (SDEdit) and multistep solvers know where they are. A sampler carries state between steps
// (PLMS and DPM++ keep earlier ε); set_timesteps resets it. Tensors are [B, C, H, W] of any float dtype
// on any device; internal arithmetic is float32 or wider.
class Sampler {
public:
    virtual ~Sampler() = default;

    virtual std::string name() const = 0;

    // Chooses `steps` timesteps (descending) and resets the solver's state. Throws InputError unless
    // 1 ≤ steps ≤ the schedule's training timesteps.
    virtual void set_timesteps(std::int64_t steps) = 0;
    // The `steps` of the last set_timesteps (0 before). timesteps() may hold more entries: PLMS runs
    // steps + 1 model evaluations, the second timestep twice, as diffusers' PNDM does.
    virtual std::int64_t inference_steps() const = 0;
    // The model timestep of each step, descending (may be fractional for sigma-space samplers).
    virtual const std::vector<double>& timesteps() const = 0;

    // Pure noise N(0, I) scaled to the first step's noise level (σ_max for sigma-space samplers).
    virtual at::Tensor scale_initial_noise(const at::Tensor& noise) const = 0;
    // The clean sample x0 noised to the level of step i (SDEdit's start point).
    virtual at::Tensor add_noise(const at::Tensor& x0, const at::Tensor& noise, std::size_t i) const = 0;
    // What the model sees at step i (sigma-space samplers divide by sqrt(σ²+1)).
    virtual at::Tensor scale_model_input(const at::Tensor& x, std::size_t i) const = 0;
    // One solver step from x at step i given the model's ε there; stochastic samplers draw their noise
    // from `generator` (CPU generator; the noise is drawn on the CPU and moved, so results do not depend
    // on the device's random number generator).
    virtual at::Tensor step(const at::Tensor& eps, std::size_t i, const at::Tensor& x,
                            std::optional<at::Generator> generator) = 0;
};

// Throws InputError listing the known names when `name` is not one of them.
std::unique_ptr<Sampler> make_sampler(const std::string& name, const DiffusionSchedule& schedule,
                                      const SamplerOptions& options = {});

// Throws the InputError that make_sampler or set_timesteps(steps) would throw on a schedule of
// `train_timesteps`, without building a sampler: jobs check their settings once where they come in.
void check_sampler_settings(const std::string& name, const SamplerOptions& options, std::int64_t steps,
                            std::int64_t train_timesteps);

// The step index SDEdit starts from for `strength` in [0, 1] with steps already set: as diffusers'
// img2img, the last int(steps × strength) steps run (truncated, as Python's int() does, so a strength
// reproduces diffusers' start exactly); strength 0 runs none (returns timesteps().size()). Throws
// InputError for a strength outside [0, 1].
std::size_t sdedit_start_index(const Sampler& sampler, double strength);

}  // namespace facemix
