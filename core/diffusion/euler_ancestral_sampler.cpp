#include "diffusion/euler_ancestral_sampler.h"

#include <cmath>

#include <ATen/TensorOperators.h>

#include "diffusion/sampler_support.h"

namespace facemix {

at::Tensor EulerAncestralSampler::step(const at::Tensor& eps, std::size_t i, const at::Tensor& x,
                                       std::optional<at::Generator> generator) {
    const double from = sigma(i);
    const double to = next_sigma(i);
    const double up = std::sqrt(to * to * (from * from - to * to) / (from * from));
    const double down = to * to / from;  // sqrt(to² − up²), without the rounding that could make it negative
    const at::Tensor sample = in_working_precision(x);
    const at::Tensor noise = cpu_drawn_noise(sample, std::move(generator));
    return (sample + in_working_precision(eps) * (down - from) + noise * up).to(x.scalar_type());
}

}  // namespace facemix
