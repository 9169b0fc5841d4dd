#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

namespace facemix {

// Helpers every sampler shares.

// `x` in the precision a sampler computes in: float16/bfloat16 are widened to float32 (as diffusers'
// sigma-space schedulers do), float32 and float64 stay.
at::Tensor in_working_precision(const at::Tensor& x);

// N(0, I) noise shaped and placed like `like`, drawn in float32 on the CPU from `generator` and then
// moved, so a seeded CPU generator gives the same numbers as diffusers' randn_tensor with
// torch.Generator().manual_seed(seed), on any device. Without a generator LibTorch's default CPU
// generator draws.
at::Tensor cpu_drawn_noise(const at::Tensor& like, std::optional<at::Generator> generator);

// Throws std::out_of_range unless step `i` is one of the `count` steps set; a caller bug, not bad input.
void require_step_index(std::size_t i, std::size_t count, const std::string& sampler);

}  // namespace facemix
