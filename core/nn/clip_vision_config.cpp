#include "nn/clip_vision_config.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <string_view>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

namespace facemix {
namespace {

constexpr std::string_view kLayerPrefix = "vision_model.encoder.layers.";

const char* activation_name(ClipActivation activation) {
    return activation == ClipActivation::QuickGelu ? "quick_gelu" : "gelu";
}

ClipActivation activation_from_name(const std::string& name) {
    if (name == "quick_gelu") return ClipActivation::QuickGelu;
    if (name == "gelu") return ClipActivation::Gelu;
    throw InputError("CLIP vision config has activation \"" + name + "\"; expected \"quick_gelu\" or \"gelu\".");
}

const at::Tensor& shaped(const TensorMap& weights, const std::string& what, const std::string& key, std::int64_t rank) {
    const auto found = weights.find(key);
    if (found == weights.end()) throw InputError(what + " has no " + key + ", so it is not a CLIP vision tower.");
    if (found->second.dim() != rank)
        throw InputError(what + ": " + key + " has " + std::to_string(found->second.dim()) + " dimensions, expected " +
                         std::to_string(rank) + ".");
    return found->second;
}

// Layers 0, 1, ... up to the first gap. Counting only what is there keeps a file that names layer
// 999999 from building a huge network; keys past a gap reach load_weights, which reports them.
std::int64_t layer_count(const TensorMap& weights) {
    std::set<std::string> indices;
    for (const auto& [name, tensor] : weights) {
        if (name.compare(0, kLayerPrefix.size(), kLayerPrefix) != 0) continue;
        const std::string rest = name.substr(kLayerPrefix.size());
        indices.insert(rest.substr(0, rest.find('.')));
    }
    std::int64_t count = 0;
    while (indices.count(std::to_string(count))) ++count;
    return count;
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
        json.at("image_size").get_to(read.image_size);
        json.at("patch_size").get_to(read.patch_size);
        json.at("width").get_to(read.width);
        json.at("layers").get_to(read.layers);
        json.at("heads").get_to(read.heads);
        json.at("intermediate_size").get_to(read.intermediate_size);
        json.at("projection_dim").get_to(read.projection_dim);
        json.at("layer_norm_eps").get_to(read.layer_norm_eps);
        read.activation = activation_from_name(json.at("activation").get<std::string>());
        read.validate();
        config = read;
    } catch (const nlohmann::json::exception& error) {
        throw InputError(std::string("CLIP vision config is malformed: ") + error.what());
    }
}

ClipVisionConfig infer_clip_vision_config(const TensorMap& weights, const std::string& what, std::int64_t head_width) {
    const auto& patch = shaped(weights, what, "vision_model.embeddings.patch_embedding.weight", 4);
    const auto& position = shaped(weights, what, "vision_model.embeddings.position_embedding.weight", 2);
    const auto& fc1 = shaped(weights, what, std::string(kLayerPrefix) + "0.mlp.fc1.weight", 2);
    const auto& projection = shaped(weights, what, "visual_projection.weight", 2);

    ClipVisionConfig config;
    config.width = patch.size(0);
    config.patch_size = patch.size(2);
    const std::int64_t patches = position.size(0) - 1;
    const auto grid = static_cast<std::int64_t>(std::lround(std::sqrt(static_cast<double>(std::max<std::int64_t>(patches, 0)))));
    if (patch.size(3) != config.patch_size || patches < 1 || grid * grid != patches)
        throw InputError(what + ": the patch embedding " + std::to_string(patch.size(2)) + "x" +
                         std::to_string(patch.size(3)) + " with " + std::to_string(position.size(0)) +
                         " positions is not a square grid of square patches plus a class token.");
    config.image_size = grid * config.patch_size;
    config.layers = layer_count(weights);
    if (head_width <= 0 || config.width % head_width != 0)
        throw InputError(what + ": width " + std::to_string(config.width) + " is not a multiple of the head width " +
                         std::to_string(head_width) + ".");
    config.heads = config.width / head_width;
    config.intermediate_size = fc1.size(0);
    config.projection_dim = projection.size(0);
    config.validate();
    return config;
}

}  // namespace facemix
