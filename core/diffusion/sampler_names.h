#pragma once

#include <string>
#include <vector>

// Free of LibTorch, so settings screens can list the samplers without reaching the sampling code.
namespace facemix {

// The registered samplers' names, in the order a user should see them ("ddim", "plms", "euler",
// "euler_a", "dpmpp_2m", "dpmpp_2m_karras").
std::vector<std::string> sampler_names();

}  // namespace facemix
