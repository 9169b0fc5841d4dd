#include <algorithm>
#include <cmath>
#include <string>

#include "common/error.h"
#include "diffusion/sampler.h"

namespace facemix {

std::size_t sdedit_start_index(const Sampler& sampler, double strength) {
    if (!(strength >= 0 && strength <= 1))
        throw InputError("The SDEdit strength must be between 0 and 1, got " + std::to_string(strength) + ".");
    const std::int64_t steps = sampler.inference_steps();
    // Python's int(steps * strength), as diffusers' img2img get_timesteps.
    const auto run = std::min(static_cast<std::int64_t>(std::trunc(static_cast<double>(steps) * strength)), steps);
    if (run == 0) return sampler.timesteps().size();
    return static_cast<std::size_t>(steps - run);
}

}  // namespace facemix
