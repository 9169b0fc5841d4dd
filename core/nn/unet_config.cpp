#include "nn/unet_config.h"

#include <algorithm>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "nn/diffusers_config.h"
#include "nn/weight_names.h"

namespace facemix {
namespace {

using nlohmann::json;

constexpr std::string_view cross_attention_down = "CrossAttnDownBlock2D";
constexpr std::string_view plain_down = "DownBlock2D";
constexpr std::string_view cross_attention_up = "CrossAttnUpBlock2D";
constexpr std::string_view plain_up = "UpBlock2D";

// UNet2DConditionModel options for which the SD 1/2 UNet built here has only one value.
const std::vector<FixedOption>& fixed_diffusers_options() {
    static const std::vector<FixedOption> options = {
        {"center_input_sample", false},     {"mid_block_type", "UNetMidBlock2DCrossAttn"},
        {"only_cross_attention", false},    {"mid_block_scale_factor", 1},
        {"act_fn", "silu"},                 {"dual_cross_attention", false},
        {"class_embed_type", nullptr},      {"addition_embed_type", nullptr},
        {"num_class_embeds", nullptr},      {"resnet_time_scale_shift", "default"},
        {"resnet_skip_time_act", false},    {"resnet_out_scale_factor", 1},
        {"time_embedding_type", "positional"}, {"time_embedding_dim", nullptr},
        {"time_embedding_act_fn", nullptr}, {"timestep_post_act", nullptr},
        {"time_cond_proj_dim", nullptr},    {"conv_in_kernel", 3},
        {"conv_out_kernel", 3},             {"encoder_hid_dim", nullptr},
        {"attention_type", "default"},      {"class_embeddings_concat", false},
        {"cross_attention_norm", nullptr},  {"reverse_transformer_layers_per_block", nullptr},
        {"addition_time_embed_dim", nullptr}, {"projection_class_embeddings_input_dim", nullptr},
        {"downsample_padding", 1},          {"encoder_hid_dim_type", nullptr},
        {"mid_block_only_cross_attention", false},
    };
    return options;
}

// An int, or a list of them that must have `levels` entries (`same` demands they all agree).
std::vector<std::int64_t> per_level(const json& value, std::size_t levels, const char* key, bool same,
                                    const std::string& what) {
    if (value.is_number_integer()) return std::vector<std::int64_t>(levels, value.get<std::int64_t>());
    const auto list = value.get<std::vector<std::int64_t>>();
    if (list.size() != levels)
        throw InputError(what + ": " + key + " has " + std::to_string(list.size()) + " entries for " +
                         std::to_string(levels) + " levels");
    if (same && std::adjacent_find(list.begin(), list.end(), std::not_equal_to<>()) != list.end())
        throw InputError(what + ": " + key + " differs between levels, which this UNet does not support");
    return list;
}

UNetConfig read_diffusers_config(const json& config, const std::string& what) {
    require_fixed_options(config, fixed_diffusers_options(), what);
    UNetConfig unet;
    unet.in_channels = config.value("in_channels", std::int64_t{4});
    unet.out_channels = config.value("out_channels", std::int64_t{4});
    unet.block_out_channels = config.at("block_out_channels").get<std::vector<std::int64_t>>();
    const std::size_t levels = unet.levels();
    unet.layers_per_block = config.value("layers_per_block", std::int64_t{2});

    const auto down_types = config.at("down_block_types").get<std::vector<std::string>>();
    if (down_types.size() != levels)
        throw InputError(what + ": down_block_types and block_out_channels have different lengths");
    std::vector<std::string> mirrored_up_types;
    for (const auto& type : down_types) {
        if (type != cross_attention_down && type != plain_down)
            throw InputError(what + ": down block type " + type + " is not supported");
        unet.cross_attention.push_back(type == cross_attention_down);
        mirrored_up_types.insert(mirrored_up_types.begin(),
                                 std::string(type == cross_attention_down ? cross_attention_up : plain_up));
    }
    if (config.contains("up_block_types") && config["up_block_types"].get<std::vector<std::string>>() != mirrored_up_types)
        throw InputError(what + ": up_block_types do not mirror down_block_types");

    const json& heads = config.contains("num_attention_heads") && !config["num_attention_heads"].is_null()
                            ? config["num_attention_heads"]
                            : config.value("attention_head_dim", json(8));
    unet.attention_heads = per_level(heads, levels, "attention_head_dim", false, what);
    unet.transformer_depth =
        per_level(config.value("transformer_layers_per_block", json(1)), levels, "transformer_layers_per_block", true, what)
            .front();
    if (!config.at("cross_attention_dim").is_number_integer())
        throw InputError(what + ": cross_attention_dim must be a single number");
    unet.context_dim = config["cross_attention_dim"].get<std::int64_t>();
    unet.norm_groups = config.value("norm_num_groups", std::int64_t{32});
    unet.norm_eps = config.value("norm_eps", 1e-5);
    unet.linear_projection = config.value("use_linear_projection", false);
    unet.flip_sin_to_cos = config.value("flip_sin_to_cos", true);
    unet.freq_shift = config.value("freq_shift", 0.0);
    return unet;
}

}  // namespace

void UNetConfig::validate(const std::string& what) const {
    const auto fail = [&what](const std::string& problem) { throw InputError(what + ": " + problem); };
    if (block_out_channels.empty()) fail("the UNet has no levels");
    if (cross_attention.size() != levels() || attention_heads.size() != levels())
        fail("cross_attention and attention_heads need one entry per level");
    if (in_channels < 1 || out_channels < 1 || layers_per_block < 1 || transformer_depth < 1 || context_dim < 1 ||
        norm_groups < 1 || !(norm_eps > 0))
        fail("channel counts, layers, depth, context width, norm groups and epsilon must be positive");
    for (std::size_t level = 0; level < levels(); ++level) {
        const auto channels = block_out_channels[level], heads = attention_heads[level];
        if (channels < 1 || channels % norm_groups != 0)
            fail("level " + std::to_string(level) + " has " + std::to_string(channels) +
                 " channels, not a positive multiple of " + std::to_string(norm_groups) + " norm groups");
        const bool attends = cross_attention[level] || level + 1 == levels();  // the middle uses the last level's heads
        if (attends && (heads < 1 || channels % heads != 0))
            fail("level " + std::to_string(level) + " cannot split " + std::to_string(channels) + " channels into " +
                 std::to_string(heads) + " attention heads");
    }
}

UNetConfig UNetConfig::from_diffusers_config(const json& config, const std::string& what) {
    UNetConfig unet;
    try {
        unet = read_diffusers_config(config, what);
    } catch (const json::exception& error) {
        throw InputError(what + " is not a usable diffusers UNet config (" + error.what() + ")");
    }
    unet.validate(what);
    return unet;
}

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

void to_json(json& out, const UNetConfig& config) {
    out = json{{"in_channels", config.in_channels},
               {"out_channels", config.out_channels},
               {"block_out_channels", config.block_out_channels},
               {"layers_per_block", config.layers_per_block},
               {"cross_attention", config.cross_attention},
               {"attention_heads", config.attention_heads},
               {"transformer_depth", config.transformer_depth},
               {"context_dim", config.context_dim},
               {"norm_groups", config.norm_groups},
               {"norm_eps", config.norm_eps},
               {"linear_projection", config.linear_projection},
               {"flip_sin_to_cos", config.flip_sin_to_cos},
               {"freq_shift", config.freq_shift}};
}

void from_json(const json& in, UNetConfig& config) {
    const std::string what = "the UNet config of the model bundle";
    UNetConfig read;
    try {
        in.at("in_channels").get_to(read.in_channels);
        in.at("out_channels").get_to(read.out_channels);
        in.at("block_out_channels").get_to(read.block_out_channels);
        in.at("layers_per_block").get_to(read.layers_per_block);
        in.at("cross_attention").get_to(read.cross_attention);
        in.at("attention_heads").get_to(read.attention_heads);
        in.at("transformer_depth").get_to(read.transformer_depth);
        in.at("context_dim").get_to(read.context_dim);
        in.at("norm_groups").get_to(read.norm_groups);
        in.at("norm_eps").get_to(read.norm_eps);
        in.at("linear_projection").get_to(read.linear_projection);
        in.at("flip_sin_to_cos").get_to(read.flip_sin_to_cos);
        in.at("freq_shift").get_to(read.freq_shift);
    } catch (const json::exception& error) {
        throw InputError(what + " is incomplete or malformed (" + error.what() + ")");
    }
    read.validate(what);
    config = read;
}

}  // namespace facemix
