#pragma once

#include <cstdint>
#include <string>

namespace facemix {

// The diffusion process the UNet was trained for.
struct NoiseSchedule {
    std::string beta_schedule = "scaled_linear";  // linear in sqrt(beta), as SD v1
    double beta_start = 0.00085;
    double beta_end = 0.012;
    std::int64_t train_timesteps = 1000;
    std::string prediction = "epsilon";
    // DDIM clamps its estimate of the clean image to [−1, 1] at every step, as pixel-space DDPMs are
    // sampled (diffusers' clip_sample): at high noise x̂0 = (x − sqrt(1 − ᾱ)·ε)/sqrt(ᾱ) multiplies the
    // ε error by up to 1/sqrt(ᾱ_T) (~150 for the linear schedule), which a small model cannot keep below
    // one grey level. Latent models leave it off (SD's latents are not bounded).
    bool clip_sample = false;

    friend bool operator==(const NoiseSchedule&, const NoiseSchedule&) = default;
};

// Throws InputError for a schedule facemix cannot sample: a beta_schedule other than "scaled_linear"
// or "linear", a prediction other than "epsilon", fewer than 2 training timesteps or betas outside
// (0, 1). Free of LibTorch, so a model's manifest is checked where it is read.
void check_noise_schedule(const NoiseSchedule& schedule);

}  // namespace facemix
