#include "diffusion/noise_schedule_config.h"

#include <string>

#include "common/error.h"

namespace facemix {

void check_noise_schedule(const NoiseSchedule& schedule) {
    if (schedule.beta_schedule != "linear" && schedule.beta_schedule != "scaled_linear")
        throw InputError("The model's noise schedule \"" + schedule.beta_schedule +
                         "\" is not supported (known: scaled_linear, linear).");
    if (schedule.prediction != "epsilon")
        throw InputError("The model predicts \"" + schedule.prediction +
                         "\", but only epsilon-predicting models are supported.");
    if (schedule.train_timesteps < 2)
        throw InputError("The model's noise schedule has " + std::to_string(schedule.train_timesteps) +
                         " training timesteps; it needs at least 2.");
    if (!(schedule.beta_start > 0 && schedule.beta_end > 0 && schedule.beta_start < 1 && schedule.beta_end < 1))
        throw InputError("The model's noise schedule has betas outside (0, 1): " + std::to_string(schedule.beta_start) +
                         " to " + std::to_string(schedule.beta_end) + ".");
}

}  // namespace facemix
