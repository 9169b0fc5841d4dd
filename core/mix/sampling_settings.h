#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace facemix {

// How a cell is sampled: everything in a recipe except the sources and the seed.
struct SamplingSettings {
    std::string sampler = "ddim";
    std::int64_t steps = 30;
    double eta = 0.0;                    // DDIM's noise (0 = deterministic)
    std::string spacing = "leading";     // timestep spacing, as SD v1's scheduler
    double cfg_scale = 3.0;              // plain classifier-free guidance over all tokens
    std::optional<double> face_scale;    // when either of these is set, the face and the background
    std::optional<double> background_scale;  // are guided separately (a missing one takes cfg_scale)
    std::int64_t resolution = 0;         // output pixels; 0 = the model's native resolution
    double strength = 1.0;               // SDEdit: the share of the schedule run from the noised photo

    bool separate_guidance() const { return face_scale.has_value() || background_scale.has_value(); }
    friend bool operator==(const SamplingSettings&, const SamplingSettings&) = default;
};

}  // namespace facemix
