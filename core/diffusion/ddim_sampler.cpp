#include "diffusion/ddim_sampler.h"

#include <cmath>
#include <string>

#include <ATen/TensorOperators.h>

#include "common/error.h"
#include "diffusion/sampler_support.h"

namespace facemix {

DdimSampler::DdimSampler(const DiffusionSchedule& schedule, const SamplerOptions& options)
    : DiscreteTimestepSampler(schedule, options) {
    check_options(options);
}

void DdimSampler::check_options(const SamplerOptions& options) {
    if (!(options.eta >= 0 && options.eta <= 1))
        throw InputError("The DDIM eta must be between 0 and 1, got " + std::to_string(options.eta) + ".");
}

at::Tensor DdimSampler::step(const at::Tensor& eps, std::size_t i, const at::Tensor& x,
                             std::optional<at::Generator> generator) {
    const std::int64_t t = timestep(i);
    // diffusers steps back T div steps even where the spacing put the next timestep elsewhere
    // (linspace), so the next step may start from a slightly different noise level; kept to match it.
    const double alpha = alpha_cumprod(t);
    const double alpha_prev = alpha_cumprod(t - stride());
    const double variance = (1 - alpha_prev) / (1 - alpha) * (1 - alpha / alpha_prev);
    const double noise_scale = options().eta * std::sqrt(variance);
    // x_prev = sqrt(ᾱ_prev)·x̂0 + sqrt(1 − ᾱ_prev − s²)·ε + s·z with x̂0 = (x − sqrt(1 − ᾱ)·ε)/sqrt(ᾱ),
    // gathered into one coefficient for x and one for ε.
    const double x_coefficient = std::sqrt(alpha_prev / alpha);
    const double eps_coefficient = std::sqrt(1 - alpha_prev - noise_scale * noise_scale) -
                                   std::sqrt(alpha_prev) * std::sqrt(1 - alpha) / std::sqrt(alpha);
    const at::Tensor sample = in_working_precision(x);
    const at::Tensor noise = in_working_precision(eps);
    at::Tensor prev;
    if (schedule().clip_sample()) {
        // The clamp acts on x̂0 itself, so the step is taken in its two parts; ε keeps its unclipped
        // value in the direction term, as diffusers does (use_clipped_model_output off).
        const at::Tensor x0 = ((sample - noise * std::sqrt(1 - alpha)) / std::sqrt(alpha)).clamp(-1, 1);
        prev = x0 * std::sqrt(alpha_prev) + noise * std::sqrt(1 - alpha_prev - noise_scale * noise_scale);
    } else {
        prev = sample * x_coefficient + noise * eps_coefficient;
    }
    if (options().eta > 0) prev = prev + cpu_drawn_noise(sample, std::move(generator)) * noise_scale;
    return prev.to(x.scalar_type());
}

}  // namespace facemix
