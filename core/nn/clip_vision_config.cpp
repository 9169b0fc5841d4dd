#include "nn/clip_vision_config.h"

#include "common/error.h"
#include "io/json_error.h"
#include "io/json_integer.h"

#include <string>

#include <nlohmann/json.hpp>

namespace facemix {
namespace {

const char* activation_name(ClipActivation activation) {
    return activation == ClipActivation::QuickGelu ? "quick_gelu" : "gelu";
}

ClipActivation activation_from_name(const std::string& name) {
    if (name == "quick_gelu") return ClipActivation::QuickGelu;
    if (name == "gelu") return ClipActivation::Gelu;
    throw InputError("CLIP vision config has activation \"" + name + "\"; expected \"quick_gelu\" or \"gelu\".");
}

}  // namespace

ClipVisionConfig ClipVisionConfig::vit_l_14() { return ClipVisionConfig{}; }

void ClipVisionConfig::validate() const {
    const bool positive = image_size > 0 && patch_size > 0 && width > 0 && layers > 0 && heads > 0 &&
                          intermediate_size > 0 && projection_dim > 0 && layer_norm_eps > 0;
    if (!positive) throw InputError("CLIP vision config has a size that is not positive.");
    if (width % heads != 0)
        throw InputError("CLIP vision config: width " + std::to_string(width) + " is not divisible by " +
                         std::to_string(heads) + " heads.");
    if (image_size % patch_size != 0)
        throw InputError("CLIP vision config: image size " + std::to_string(image_size) +
                         " is not a multiple of the patch size " + std::to_string(patch_size) + ".");
}

void to_json(nlohmann::json& json, const ClipVisionConfig& config) {
    json = nlohmann::json{{"image_size", config.image_size},
                          {"patch_size", config.patch_size},
                          {"width", config.width},
                          {"layers", config.layers},
                          {"heads", config.heads},
                          {"intermediate_size", config.intermediate_size},
                          {"projection_dim", config.projection_dim},
                          {"layer_norm_eps", config.layer_norm_eps},
                          {"activation", activation_name(config.activation)}};
}

void from_json(const nlohmann::json& json, ClipVisionConfig& config) {
    try {
        ClipVisionConfig read;
        read.image_size = json_integer<std::int64_t>(json.at("image_size"));
        read.patch_size = json_integer<std::int64_t>(json.at("patch_size"));
        read.width = json_integer<std::int64_t>(json.at("width"));
        read.layers = json_integer<std::int64_t>(json.at("layers"));
        read.heads = json_integer<std::int64_t>(json.at("heads"));
        read.intermediate_size = json_integer<std::int64_t>(json.at("intermediate_size"));
        read.projection_dim = json_integer<std::int64_t>(json.at("projection_dim"));
        json.at("layer_norm_eps").get_to(read.layer_norm_eps);
        read.activation = activation_from_name(json.at("activation").get<std::string>());
        read.validate();
        config = read;
    } catch (const nlohmann::json::exception& error) {
        throw InputError("CLIP vision config is malformed: " + json_error_words(error));
    }
}

}  // namespace facemix
