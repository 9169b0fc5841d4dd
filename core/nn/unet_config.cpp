#include "nn/unet_config.h"

#include <algorithm>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "io/json_error.h"
#include "io/json_integer.h"
#include "nn/diffusers_config.h"

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
    const auto list = json_integers<std::int64_t>(value);
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
    unet.in_channels = json_integer_or<std::int64_t>(config, "in_channels", 4);
    unet.out_channels = json_integer_or<std::int64_t>(config, "out_channels", 4);
    unet.block_out_channels = json_integers<std::int64_t>(config.at("block_out_channels"));
    const std::size_t levels = unet.levels();
    unet.layers_per_block = json_integer_or<std::int64_t>(config, "layers_per_block", 2);

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
    unet.context_dim = json_integer<std::int64_t>(config["cross_attention_dim"]);
    unet.norm_groups = json_integer_or<std::int64_t>(config, "norm_num_groups", 32);
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
        throw InputError(what + " is not a usable diffusers UNet config (" + json_error_words(error) + ")");
    }
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
        read.in_channels = json_integer<std::int64_t>(in.at("in_channels"));
        read.out_channels = json_integer<std::int64_t>(in.at("out_channels"));
        read.block_out_channels = json_integers<std::int64_t>(in.at("block_out_channels"));
        read.layers_per_block = json_integer<std::int64_t>(in.at("layers_per_block"));
        in.at("cross_attention").get_to(read.cross_attention);
        read.attention_heads = json_integers<std::int64_t>(in.at("attention_heads"));
        read.transformer_depth = json_integer<std::int64_t>(in.at("transformer_depth"));
        read.context_dim = json_integer<std::int64_t>(in.at("context_dim"));
        read.norm_groups = json_integer<std::int64_t>(in.at("norm_groups"));
        in.at("norm_eps").get_to(read.norm_eps);
        in.at("linear_projection").get_to(read.linear_projection);
        in.at("flip_sin_to_cos").get_to(read.flip_sin_to_cos);
        in.at("freq_shift").get_to(read.freq_shift);
    } catch (const json::exception& error) {
        throw InputError(what + " is incomplete or malformed (" + json_error_words(error) + ")");
    }
    read.validate(what);
    config = read;
}

}  // namespace facemix
