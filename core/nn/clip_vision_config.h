#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "io/tensor_map.h"

namespace facemix {

// The MLP activation is not visible in a checkpoint's shapes: OpenAI's CLIP models were trained with
// QuickGELU (x * sigmoid(1.702 x)), the LAION open_clip ones with exact GELU. A wrong choice still runs
// and yields subtly wrong embeddings, so it is part of the config, never guessed from the weights.
enum class ClipActivation { QuickGelu, Gelu };

struct ClipVisionConfig {
    std::int64_t image_size = 224;
    std::int64_t patch_size = 14;
    std::int64_t width = 1024;  // transformer width, "hidden_size" in transformers
    std::int64_t layers = 24;
    std::int64_t heads = 16;
    std::int64_t intermediate_size = 4096;
    std::int64_t projection_dim = 768;
    double layer_norm_eps = 1e-5;
    ClipActivation activation = ClipActivation::QuickGelu;

    // OpenAI's ViT-L/14 at 224 px, the image encoder of the face-mixer models.
    static ClipVisionConfig vit_l_14();

    std::int64_t grid_size() const { return image_size / patch_size; }

    // Throws InputError unless the sizes describe a buildable network (positive, heads divide the
    // width, patches tile the image).
    void validate() const;

    bool operator==(const ClipVisionConfig&) const = default;
};

// Keys are the field names; activation is "quick_gelu" or "gelu" (transformers' hidden_act names).
// from_json validates and throws InputError, as a manifest is user input.
void to_json(nlohmann::json& json, const ClipVisionConfig& config);
void from_json(const nlohmann::json& json, ClipVisionConfig& config);

// Reads the config off the shapes of a vision tower in canonical (transformers) naming, for files that
// come without one; map other namings first (clip_names_openai.h, clip_names_hf.h). Two things are not
// in the shapes: the number of heads is width / head_width, the rule of OpenAI's and open_clip's model
// code (64 for every released CLIP ViT), and the activation, returned as QuickGelu (OpenAI's) for the
// caller to override for LAION weights. layer_norm_eps is the 1e-5 every CLIP uses. Throws InputError
// naming `what` and the key when a tensor the config is read from is missing or implausible.
ClipVisionConfig infer_clip_vision_config(const TensorMap& weights, const std::string& what,
                                          std::int64_t head_width = 64);

}  // namespace facemix
