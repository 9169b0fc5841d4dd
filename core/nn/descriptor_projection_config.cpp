#include "nn/descriptor_projection_config.h"

#include <string>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "io/json_error.h"
#include "io/json_integer.h"

namespace facemix {

void DescriptorProjectionConfig::validate() const {
    if (input_dim <= 0 || output_dim <= 0 || hidden_dim < 0 || input_dim > 65536 || output_dim > 65536 || hidden_dim > 65536)
        throw InputError("descriptor projection config: sizes must be positive and at most 65536 (hidden_dim may be 0).");
}

void to_json(nlohmann::json& json, const DescriptorProjectionConfig& config) {
    json = nlohmann::json{{"input_dim", config.input_dim}, {"hidden_dim", config.hidden_dim}, {"output_dim", config.output_dim}};
}

void from_json(const nlohmann::json& json, DescriptorProjectionConfig& config) {
    try {
        DescriptorProjectionConfig read;
        read.input_dim = json_integer<std::int64_t>(json.at("input_dim"));
        read.hidden_dim = json_integer<std::int64_t>(json.at("hidden_dim"));
        read.output_dim = json_integer<std::int64_t>(json.at("output_dim"));
        read.validate();
        config = read;
    } catch (const nlohmann::json::exception& error) {
        throw InputError("descriptor projection config is malformed: " + json_error_words(error));
    }
}

}  // namespace facemix
