#include "nn/clip_names_hf.h"

#include <string>

namespace facemix {
namespace {

bool belongs_elsewhere(const std::string& name) {
    return name.rfind("text_model.", 0) == 0 || name == "text_projection.weight" || name == "logit_scale" ||
           name == "vision_model.embeddings.position_ids";
}

}  // namespace

TensorMap clip_vision_weights_from_hf(const TensorMap& weights) {
    TensorMap canonical;
    for (const auto& [name, tensor] : weights)
        if (!belongs_elsewhere(name)) canonical.emplace(name, tensor);
    return canonical;
}

}  // namespace facemix
