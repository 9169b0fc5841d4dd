#include "nn/clip_names_openai.h"

#include "common/error.h"

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <ATen/ATen.h>

namespace facemix {
namespace {

// A rule ending in '.' renames a prefix (a submodule's parameters); any other renames one exact key.
struct Rename {
    std::string_view from;
    std::string_view to;
};

constexpr std::array kTowerNames{
    Rename{"conv1.weight", "vision_model.embeddings.patch_embedding.weight"},
    Rename{"class_embedding", "vision_model.embeddings.class_embedding"},
    Rename{"positional_embedding", "vision_model.embeddings.position_embedding.weight"},
    Rename{"ln_pre.", "vision_model.pre_layrnorm."},
    Rename{"ln_post.", "vision_model.post_layernorm."},
};

constexpr std::array kLayerNames{
    Rename{"ln_1.", "layer_norm1."},
    Rename{"attn.out_proj.", "self_attn.out_proj."},
    Rename{"ln_2.", "layer_norm2."},
    Rename{"mlp.c_fc.", "mlp.fc1."},
    Rename{"mlp.c_proj.", "mlp.fc2."},
};

constexpr std::array kTextPrefixes{std::string_view("transformer."), std::string_view("token_embedding."),
                                   std::string_view("ln_final."), std::string_view("text_projection.")};
constexpr std::array kTextKeys{std::string_view("positional_embedding"), std::string_view("text_projection"),
                               std::string_view("logit_scale"), std::string_view("input_resolution"),
                               std::string_view("context_length"), std::string_view("vocab_size")};

constexpr std::string_view kVisual = "visual.";
constexpr std::string_view kBlocks = "transformer.resblocks.";
constexpr std::string_view kInProj = "attn.in_proj_";

bool starts_with(std::string_view name, std::string_view prefix) { return name.substr(0, prefix.size()) == prefix; }

std::optional<std::string> renamed(std::string_view name, std::span<const Rename> rules) {
    for (const Rename& rule : rules) {
        const bool matches = rule.from.back() == '.' ? starts_with(name, rule.from) : name == rule.from;
        if (matches) return std::string(rule.to) + std::string(name.substr(rule.from.size()));
    }
    return std::nullopt;
}

bool is_text_tower(std::string_view name) {
    for (std::string_view prefix : kTextPrefixes)
        if (starts_with(name, prefix)) return true;
    for (std::string_view key : kTextKeys)
        if (name == key) return true;
    return false;
}

// q, k and v stacked along the output dimension, nn.MultiheadAttention's packing.
void add_split_projection(TensorMap& canonical, const std::string& source, const std::string& layer,
                          const std::string& leaf, const at::Tensor& packed) {
    if (packed.dim() < 1 || packed.size(0) % 3 != 0)
        throw InputError(source + " does not split into three equal query/key/value parts.");
    const auto parts = packed.chunk(3, 0);
    const std::array<const char*, 3> names{"q_proj.", "k_proj.", "v_proj."};
    for (std::size_t i = 0; i < names.size(); ++i)
        canonical.emplace(layer + "self_attn." + names[i] + leaf, parts[i]);
}

// `block` is what follows "visual.transformer.resblocks."; false when it is not a layer parameter we know.
bool add_layer_weight(TensorMap& canonical, const std::string& source, std::string_view block, const at::Tensor& tensor) {
    const std::size_t dot = block.find('.');
    if (dot == 0 || dot == std::string_view::npos || block.find_first_not_of("0123456789") != dot) return false;
    const std::string layer = "vision_model.encoder.layers." + std::string(block.substr(0, dot)) + ".";
    const std::string_view part = block.substr(dot + 1);
    if (starts_with(part, kInProj)) {
        const std::string_view leaf = part.substr(kInProj.size());
        if (leaf != "weight" && leaf != "bias") return false;
        add_split_projection(canonical, source, layer, std::string(leaf), tensor);
        return true;
    }
    const auto name = renamed(part, kLayerNames);
    if (name) canonical.emplace(layer + *name, tensor);
    return name.has_value();
}

bool add_visual_weight(TensorMap& canonical, const std::string& source, std::string_view name, const at::Tensor& tensor) {
    if (name == "proj") {
        if (tensor.dim() != 2) throw InputError(source + " is not a matrix.");
        canonical.emplace("visual_projection.weight", tensor.t());
        return true;
    }
    if (starts_with(name, kBlocks)) return add_layer_weight(canonical, source, name.substr(kBlocks.size()), tensor);
    const auto canonical_name = renamed(name, kTowerNames);
    if (canonical_name) canonical.emplace(*canonical_name, tensor);
    return canonical_name.has_value();
}

}  // namespace

TensorMap clip_vision_weights_from_openai(const TensorMap& weights) {
    TensorMap canonical;
    for (const auto& [name, tensor] : weights) {
        if (is_text_tower(name)) continue;
        const bool known = starts_with(name, kVisual) &&
                           add_visual_weight(canonical, name, std::string_view(name).substr(kVisual.size()), tensor);
        if (!known) canonical.emplace(name, tensor);
    }
    return canonical;
}

}  // namespace facemix
