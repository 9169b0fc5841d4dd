#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "io/tensor_map.h"

namespace facemix {

// The shape of an SD-family UNet. Levels run from the full latent resolution down; every per-level
// list has one entry per level.
struct UNetConfig {
    std::int64_t in_channels = 4;
    std::int64_t out_channels = 4;
    std::vector<std::int64_t> block_out_channels;
    std::int64_t layers_per_block = 2;
    std::vector<bool> cross_attention;          // whether the level's blocks attend to the condition
    std::vector<std::int64_t> attention_heads;  // heads (not head width) of the level's transformers
    std::int64_t transformer_depth = 1;
    std::int64_t context_dim = 768;  // width of the condition tokens (diffusers' cross_attention_dim)
    std::int64_t norm_groups = 32;
    double norm_eps = 1e-5;
    bool linear_projection = false;  // diffusers' use_linear_projection (SD 2 style)
    bool flip_sin_to_cos = true;
    double freq_shift = 0.0;

    std::size_t levels() const { return block_out_channels.size(); }
    // Timestep embedding width: four times the first level's channels, as in every SD UNet.
    std::int64_t time_embedding_channels() const { return 4 * block_out_channels.at(0); }

    // Throws InputError, naming `what`, unless the numbers describe a buildable network.
    void validate(const std::string& what) const;

    // Reads a diffusers unet/config.json of a UNet2DConditionModel. Its attention_head_dim means
    // the number of heads for SD 1/2 configs (a historical misnomer diffusers keeps); a non-null
    // num_attention_heads takes precedence. Refuses features this network does not have.
    static UNetConfig from_diffusers_config(const nlohmann::json& config, const std::string& what);

    // Reads what the weights' shapes determine (channels, levels, layers, attention placement and
    // depth, context width, projection style) from canonical (diffusers) names. Heads and norm
    // groups leave no trace in the shapes and come from the arguments (SD v1 values by default).
    static UNetConfig from_weights(const TensorMap& weights, const std::string& what, std::int64_t attention_heads = 8,
                                   std::int64_t norm_groups = 32);

    friend bool operator==(const UNetConfig&, const UNetConfig&) = default;
};

// The model bundle's form: the field names above.
void to_json(nlohmann::json& json, const UNetConfig& config);
void from_json(const nlohmann::json& json, UNetConfig& config);

}  // namespace facemix
