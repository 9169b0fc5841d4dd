#pragma once

#include <cstdint>

#include <nlohmann/json_fwd.hpp>

namespace facemix {

// The learned map from a pretrained face-recognition descriptor to a condition token: the seed's first
// face mixers conditioned on a face-recognition network's embedding through such a projection.
struct DescriptorProjectionConfig {
    std::int64_t input_dim = 128;   // dlib's face-recognition descriptor
    std::int64_t hidden_dim = 256;  // 0: one linear layer
    std::int64_t output_dim = 768;  // the UNet's context width

    // Throws InputError unless every size is positive (hidden_dim may be 0).
    void validate() const;

    bool operator==(const DescriptorProjectionConfig&) const = default;
};

// Keys are the field names; from_json validates and throws InputError, as a manifest is user input.
void to_json(nlohmann::json& json, const DescriptorProjectionConfig& config);
void from_json(const nlohmann::json& json, DescriptorProjectionConfig& config);

}  // namespace facemix
