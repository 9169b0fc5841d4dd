#include "nn/unet_names_ldm.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

#include "common/error.h"
#include "nn/weight_names.h"

namespace facemix {
namespace {

// A ResNet block's inner names: LDM numbers the layers of its Sequential stacks.
std::string unet_resnet_name(std::string_view rest) {
    static constexpr std::array<PrefixRename, 6> renames{{
        {"in_layers.0.", "norm1."},
        {"in_layers.2.", "conv1."},
        {"emb_layers.1.", "time_emb_proj."},
        {"out_layers.0.", "norm2."},
        {"out_layers.3.", "conv2."},
        {"skip_connection.", "conv_shortcut."},
    }};
    return renamed_prefix(rest, renames).value_or(std::string(rest));
}

// input_blocks.0 is conv_in; then each level has `layers` entries of [ResBlock, SpatialTransformer?]
// and, but for the lowest, one [Downsample] entry.
std::optional<std::string> input_block_name(std::string_view name, std::int64_t layers) {
    const auto block = numbered_child(name, "input_blocks.");
    if (!block) return std::nullopt;
    const auto part = numbered_child(block->rest, "");
    if (!part) return std::nullopt;
    if (block->index == 0) return part->index == 0 ? std::optional(joined("conv_in.", part->rest)) : std::nullopt;
    const std::int64_t level = (block->index - 1) / (layers + 1), layer = (block->index - 1) % (layers + 1);
    const std::string prefix = "down_blocks." + std::to_string(level) + ".";
    if (layer == layers) {
        if (part->index != 0 || !part->rest.starts_with("op.")) return std::nullopt;
        return prefix + "downsamplers.0.conv." + std::string(part->rest.substr(3));
    }
    if (part->index == 0) return prefix + "resnets." + std::to_string(layer) + "." + unet_resnet_name(part->rest);
    if (part->index == 1) return prefix + "attentions." + std::to_string(layer) + "." + std::string(part->rest);
    return std::nullopt;
}

// Each level (lowest first) has layers + 1 entries of [ResBlock, SpatialTransformer?, Upsample?]; the
// upsampler, in the level's last entry, is the only part whose names start with "conv.".
std::optional<std::string> output_block_name(std::string_view name, std::int64_t layers) {
    const auto block = numbered_child(name, "output_blocks.");
    if (!block) return std::nullopt;
    const auto part = numbered_child(block->rest, "");
    if (!part) return std::nullopt;
    const std::int64_t level = block->index / (layers + 1), layer = block->index % (layers + 1);
    const std::string prefix = "up_blocks." + std::to_string(level) + ".";
    if (part->index == 0) return prefix + "resnets." + std::to_string(layer) + "." + unet_resnet_name(part->rest);
    if (part->rest.starts_with("conv.")) return prefix + "upsamplers.0." + std::string(part->rest);
    if (part->index == 1) return prefix + "attentions." + std::to_string(layer) + "." + std::string(part->rest);
    return std::nullopt;
}

std::optional<std::string> middle_block_name(std::string_view name) {
    const auto part = numbered_child(name, "middle_block.");
    if (!part) return std::nullopt;
    switch (part->index) {
        case 0: return "mid_block.resnets.0." + unet_resnet_name(part->rest);
        case 1: return joined("mid_block.attentions.0.", part->rest);
        case 2: return "mid_block.resnets.1." + unet_resnet_name(part->rest);
        default: return std::nullopt;
    }
}

std::string canonical_unet_name(const std::string& name, std::int64_t layers) {
    static constexpr std::array<PrefixRename, 4> renames{{
        {"time_embed.0.", "time_embedding.linear_1."},
        {"time_embed.2.", "time_embedding.linear_2."},
        {"out.0.", "conv_norm_out."},
        {"out.2.", "conv_out."},
    }};
    if (auto mapped = renamed_prefix(name, renames)) return *mapped;
    if (auto mapped = input_block_name(name, layers)) return *mapped;
    if (auto mapped = middle_block_name(name)) return *mapped;
    if (auto mapped = output_block_name(name, layers)) return *mapped;
    return name;
}

}  // namespace

TensorMap unet_weights_from_ldm(const TensorMap& ldm, const UNetConfig& config) {
    if (config.layers_per_block < 1) throw InputError("a UNet needs at least one layer per block");
    TensorMap canonical;
    for (const auto& [name, tensor] : ldm) {
        const std::string renamed = canonical_unet_name(name, config.layers_per_block);
        if (!canonical.emplace(renamed, tensor).second)
            throw InputError("the UNet weights hold " + renamed + " twice, once as " + name);
    }
    return canonical;
}

UNetConfig unet_config_from_ldm_weights(const TensorMap& ldm, const std::string& what, std::int64_t attention_heads,
                                        std::int64_t norm_groups) {
    // The first downsampler sits right after the top level's layers; a one-level UNet has none.
    UNetConfig layout;
    layout.layers_per_block = numbered_children(ldm, "input_blocks.") - 1;
    for (const auto& [name, tensor] : ldm) {
        const auto block = numbered_child(name, "input_blocks.");
        if (block && block->rest.starts_with("0.op.")) layout.layers_per_block = std::min(layout.layers_per_block, block->index - 1);
    }
    if (layout.layers_per_block < 1) throw InputError(what + " has no UNet input blocks");
    return UNetConfig::from_weights(unet_weights_from_ldm(ldm, layout), what, attention_heads, norm_groups);
}

}  // namespace facemix
