#include "diffusion/timestep_spacing.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "common/error.h"

namespace facemix {
namespace {

double to_float32(double value) { return static_cast<double>(static_cast<float>(value)); }

}  // namespace

TimestepSpacing timestep_spacing_from_name(const std::string& name) {
    if (name == "leading") return TimestepSpacing::Leading;
    if (name == "trailing") return TimestepSpacing::Trailing;
    if (name == "linspace") return TimestepSpacing::Linspace;
    throw InputError("Unknown timestep spacing \"" + name + "\" (known: leading, trailing, linspace).");
}

std::string timestep_spacing_name(TimestepSpacing spacing) {
    switch (spacing) {
        case TimestepSpacing::Leading: return "leading";
        case TimestepSpacing::Trailing: return "trailing";
        case TimestepSpacing::Linspace: return "linspace";
    }
    return "leading";
}

void check_step_count(std::int64_t steps, std::int64_t train_timesteps) {
    if (steps < 1 || steps > train_timesteps)
        throw InputError("The number of sampling steps must be between 1 and " + std::to_string(train_timesteps) +
                         ", got " + std::to_string(steps) + ".");
}

std::vector<double> spaced_timesteps(TimestepSpacing spacing, std::int64_t train_timesteps, std::int64_t steps,
                                     std::int64_t steps_offset, bool round_to_integers) {
    check_step_count(steps, train_timesteps);
    const auto total = static_cast<double>(train_timesteps);
    std::vector<double> timesteps;
    timesteps.reserve(static_cast<std::size_t>(steps));
    switch (spacing) {
        case TimestepSpacing::Leading: {
            const std::int64_t ratio = train_timesteps / steps;
            for (std::int64_t k = steps - 1; k >= 0; --k)
                timesteps.push_back(static_cast<double>(k * ratio + steps_offset));
            break;
        }
        case TimestepSpacing::Trailing: {
            // np.arange(T, 0, -T/steps): the second value is T + step, later ones T + k·delta with
            // delta = (T + step) − T; np.round rounds half to even, as nearbyint does by default.
            const double step = -total / static_cast<double>(steps);
            const double delta = (total + step) - total;
            for (std::int64_t k = 0; k < steps; ++k) {
                const double value = k == 0 ? total : k == 1 ? total + step : total + static_cast<double>(k) * delta;
                timesteps.push_back(std::nearbyint(value) - 1);
            }
            break;
        }
        case TimestepSpacing::Linspace: {
            // np.linspace(0, T−1, steps): k·step, the last value exactly T−1.
            const double last = total - 1;
            const double step = steps > 1 ? last / static_cast<double>(steps - 1) : 0.0;
            for (std::int64_t k = steps - 1; k >= 0; --k) {
                const double value = (k == steps - 1 && steps > 1) ? last : static_cast<double>(k) * step;
                timesteps.push_back(round_to_integers ? std::nearbyint(value) : to_float32(value));
            }
            break;
        }
    }
    return timesteps;
}

}  // namespace facemix
