#include "diffusion/sampler_support.h"

#include <stdexcept>

#include <ATen/ops/randn.h>

namespace facemix {

at::Tensor in_working_precision(const at::Tensor& x) {
    const auto dtype = x.scalar_type();
    return dtype == at::kHalf || dtype == at::kBFloat16 ? x.to(at::kFloat) : x;
}

at::Tensor cpu_drawn_noise(const at::Tensor& like, std::optional<at::Generator> generator) {
    const at::Tensor noise = at::randn(like.sizes(), std::move(generator), at::TensorOptions().dtype(at::kFloat));
    return noise.to(like.device(), like.scalar_type());
}

void require_step_index(std::size_t i, std::size_t count, const std::string& sampler) {
    if (i >= count)
        throw std::out_of_range(sampler + " sampler: step " + std::to_string(i) + " of " + std::to_string(count) +
                                (count == 0 ? " (set_timesteps was not called)" : ""));
}

}  // namespace facemix
