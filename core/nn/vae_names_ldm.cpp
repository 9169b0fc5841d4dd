#include "nn/vae_names_ldm.h"

#include <array>
#include <optional>
#include <string_view>

#include "common/error.h"
#include "nn/weight_names.h"

namespace facemix {
namespace {

std::string vae_resnet_name(std::string_view rest) {
    constexpr std::string_view shortcut = "nin_shortcut.";
    return rest.starts_with(shortcut) ? joined("conv_shortcut.", rest.substr(shortcut.size())) : std::string(rest);
}

// LDM's ResNet and attention names in the middle and the output norm of the encoder or the decoder.
std::optional<std::string> shared_name(std::string_view rest) {
    static constexpr std::array<PrefixRename, 6> renames{{
        {"mid.attn_1.norm.", "mid_block.attentions.0.group_norm."},
        {"mid.attn_1.q.", "mid_block.attentions.0.to_q."},
        {"mid.attn_1.k.", "mid_block.attentions.0.to_k."},
        {"mid.attn_1.v.", "mid_block.attentions.0.to_v."},
        {"mid.attn_1.proj_out.", "mid_block.attentions.0.to_out.0."},
        {"norm_out.", "conv_norm_out."},
    }};
    if (rest.starts_with("mid.block_1.")) return "mid_block.resnets.0." + vae_resnet_name(rest.substr(12));
    if (rest.starts_with("mid.block_2.")) return "mid_block.resnets.1." + vae_resnet_name(rest.substr(12));
    return renamed_prefix(rest, renames);
}

// ldm_level.i.block.j.* and ldm_level.i.<resampler>.* → blocks.k.resnets.j.* and
// blocks.k.<resamplers>.0.*, where k is i counted from the other end when `reversed`.
std::optional<std::string> level_name(std::string_view rest, std::string_view ldm_level, std::string_view resampler,
                                      std::string_view blocks, std::string_view resamplers, std::int64_t levels,
                                      bool reversed) {
    const auto level = numbered_child(rest, ldm_level);
    if (!level || level->index >= levels) return std::nullopt;
    const std::string prefix = joined(blocks, std::to_string(reversed ? levels - 1 - level->index : level->index)) + ".";
    if (const auto block = numbered_child(level->rest, "block."))
        return prefix + "resnets." + std::to_string(block->index) + "." + vae_resnet_name(block->rest);
    if (level->rest.starts_with(resampler))
        return prefix + std::string(resamplers) + ".0." + std::string(level->rest.substr(resampler.size()));
    return std::nullopt;
}

std::string canonical_vae_name(const std::string& name, std::int64_t levels) {
    for (const std::string_view part : {std::string_view("encoder."), std::string_view("decoder.")}) {
        if (!name.starts_with(part)) continue;
        const std::string_view rest = std::string_view(name).substr(part.size());
        const bool encoder = part == "encoder.";
        auto mapped = encoder ? level_name(rest, "down.", "downsample.", "down_blocks.", "downsamplers", levels, false)
                              : level_name(rest, "up.", "upsample.", "up_blocks.", "upsamplers", levels, true);
        if (!mapped) mapped = shared_name(rest);
        return mapped ? joined(part, *mapped) : name;
    }
    return name;
}

// LDM computes the middle attention's projections as 1×1 convolutions; diffusers as linear layers.
bool is_attention_projection(const std::string& canonical) {
    return canonical.find("mid_block.attentions.0.to_") != std::string::npos && canonical.ends_with(".weight");
}

}  // namespace

TensorMap vae_weights_from_ldm(const TensorMap& ldm, const AutoencoderKLConfig& config) {
    const auto levels = static_cast<std::int64_t>(config.levels());
    TensorMap canonical;
    for (const auto& [name, tensor] : ldm) {
        const std::string renamed = canonical_vae_name(name, levels);
        const bool pointwise_conv = tensor.dim() == 4 && tensor.size(2) == 1 && tensor.size(3) == 1;
        const at::Tensor value = is_attention_projection(renamed) && pointwise_conv ? tensor.flatten(1) : tensor;
        if (!canonical.emplace(renamed, value).second)
            throw InputError("the autoencoder weights hold " + renamed + " twice, once as " + name);
    }
    return canonical;
}

AutoencoderKLConfig vae_config_from_ldm_weights(const TensorMap& ldm, const std::string& what, std::int64_t norm_groups,
                                                double scaling_factor) {
    AutoencoderKLConfig layout;
    layout.block_out_channels.resize(static_cast<std::size_t>(numbered_children(ldm, "encoder.down.")));
    return AutoencoderKLConfig::from_weights(vae_weights_from_ldm(ldm, layout), what, norm_groups, scaling_factor);
}

}  // namespace facemix
