#pragma once

#include <cstdint>
#include <vector>

#include "diffusion/sampler.h"

namespace facemix {

// `steps` timesteps on a schedule of `train_timesteps`, descending, placed as diffusers'
// timestep_spacing places them (with numpy's arithmetic, so the values agree to the last bit):
//   leading:  k · (T div steps) + steps_offset, for k = steps−1 … 0
//   trailing: round(T − k · T/steps) − 1,       for k = 0 … steps−1
//   linspace: k · (T−1)/(steps−1), descending, rounded half to even when `round_to_integers`
//             (DDIM, PNDM, DPM-Solver) or left fractional in float32 (the Euler samplers).
// For trailing, numpy's arange sometimes yields one value too many (e.g. 61 steps), which diffusers
// passes on as a timestep of −1; here there are always exactly `steps`.
std::vector<double> spaced_timesteps(TimestepSpacing spacing, std::int64_t train_timesteps, std::int64_t steps,
                                     std::int64_t steps_offset, bool round_to_integers);

// Throws InputError unless 1 ≤ steps ≤ train_timesteps.
void check_step_count(std::int64_t steps, std::int64_t train_timesteps);

}  // namespace facemix
