#include "diffusion/euler_sampler.h"

#include <ATen/TensorOperators.h>

#include "diffusion/sampler_support.h"

namespace facemix {

at::Tensor EulerSampler::step(const at::Tensor& eps, std::size_t i, const at::Tensor& x,
                              std::optional<at::Generator> /*generator*/) {
    const double dt = next_sigma(i) - sigma(i);
    return (in_working_precision(x) + in_working_precision(eps) * dt).to(x.scalar_type());
}

}  // namespace facemix
