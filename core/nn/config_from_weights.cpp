#include "nn/autoencoder_kl_config.h"
#include "nn/clip_vision_config.h"
#include "nn/unet_config.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <string_view>

#include <ATen/ATen.h>

#include "common/error.h"
#include "nn/weight_names.h"

// Networks' configs read off their weights' shapes: the LibTorch half of the config files, kept apart
// so that their JSON half links without it.

namespace facemix {
namespace {

constexpr std::string_view kLayerPrefix = "vision_model.encoder.layers.";

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

UNetConfig UNetConfig::from_weights(const TensorMap& weights, const std::string& what, std::int64_t attention_heads,
                                    std::int64_t norm_groups) {
    const auto shape = [&](const std::string& name, std::int64_t dim) { return shape_source(weights, name, what).size(dim); };
    UNetConfig unet;
    unet.in_channels = shape("conv_in.weight", 1);
    unet.out_channels = shape("conv_out.weight", 0);
    const auto levels = numbered_children(weights, "down_blocks.");
    for (std::int64_t level = 0; level < levels; ++level) {
        const std::string block = "down_blocks." + std::to_string(level) + ".";
        unet.block_out_channels.push_back(shape(block + "resnets.0.conv1.weight", 0));
        unet.cross_attention.push_back(has_tensor(weights, block + "attentions.0.proj_in.weight"));
    }
    unet.attention_heads.assign(unet.block_out_channels.size(), attention_heads);
    unet.layers_per_block = numbered_children(weights, "down_blocks.0.resnets.");
    const std::string middle = "mid_block.attentions.0.";
    unet.transformer_depth = numbered_children(weights, middle + "transformer_blocks.");
    unet.context_dim = shape(middle + "transformer_blocks.0.attn2.to_k.weight", 1);
    unet.linear_projection = shape_source(weights, middle + "proj_in.weight", what).dim() == 2;
    unet.norm_groups = norm_groups;
    unet.validate(what);
    return unet;
}

AutoencoderKLConfig AutoencoderKLConfig::from_weights(const TensorMap& weights, const std::string& what,
                                                      std::int64_t norm_groups, double scaling_factor) {
    const auto shape = [&](const std::string& name, std::int64_t dim) { return shape_source(weights, name, what).size(dim); };
    AutoencoderKLConfig vae;
    vae.in_channels = shape("encoder.conv_in.weight", 1);
    vae.out_channels = shape("decoder.conv_out.weight", 0);
    vae.latent_channels = shape("post_quant_conv.weight", 0);
    const auto levels = numbered_children(weights, "encoder.down_blocks.");
    for (std::int64_t level = 0; level < levels; ++level)
        vae.block_out_channels.push_back(shape("encoder.down_blocks." + std::to_string(level) + ".resnets.0.conv1.weight", 0));
    vae.layers_per_block = numbered_children(weights, "encoder.down_blocks.0.resnets.");
    vae.norm_groups = norm_groups;
    vae.scaling_factor = scaling_factor;
    vae.validate(what);
    return vae;
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
