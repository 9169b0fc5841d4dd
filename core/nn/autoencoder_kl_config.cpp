#include "nn/autoencoder_kl_config.h"

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "nn/diffusers_config.h"
#include "nn/weight_names.h"

namespace facemix {
namespace {

using nlohmann::json;

// AutoencoderKL options for which the SD autoencoder built here has only one value.
const std::vector<FixedOption>& fixed_diffusers_options() {
    static const std::vector<FixedOption> options = {
        {"act_fn", "silu"},           {"shift_factor", nullptr},          {"latents_mean", nullptr},
        {"latents_std", nullptr},     {"use_quant_conv", true},           {"use_post_quant_conv", true},
        {"mid_block_add_attention", true},
    };
    return options;
}

AutoencoderKLConfig read_diffusers_config(const json& config, const std::string& what) {
    require_fixed_options(config, fixed_diffusers_options(), what);
    AutoencoderKLConfig vae;
    vae.in_channels = config.value("in_channels", std::int64_t{3});
    vae.out_channels = config.value("out_channels", std::int64_t{3});
    vae.latent_channels = config.value("latent_channels", std::int64_t{4});
    vae.block_out_channels = config.at("block_out_channels").get<std::vector<std::int64_t>>();
    vae.layers_per_block = config.value("layers_per_block", std::int64_t{1});
    vae.norm_groups = config.value("norm_num_groups", std::int64_t{32});
    vae.scaling_factor = config.value("scaling_factor", 0.18215);
    const auto check_types = [&](const char* key, const char* only) {
        if (!config.contains(key)) return;
        for (const auto& type : config[key].get<std::vector<std::string>>())
            if (type != only) throw InputError(what + ": " + key + " entry " + type + " is not supported");
        if (config[key].size() != vae.levels())
            throw InputError(what + ": " + key + " and block_out_channels have different lengths");
    };
    check_types("down_block_types", "DownEncoderBlock2D");
    check_types("up_block_types", "UpDecoderBlock2D");
    return vae;
}

}  // namespace

void AutoencoderKLConfig::validate(const std::string& what) const {
    const auto fail = [&what](const std::string& problem) { throw InputError(what + ": " + problem); };
    if (block_out_channels.empty()) fail("the autoencoder has no levels");
    if (in_channels < 1 || out_channels < 1 || latent_channels < 1 || layers_per_block < 1 || norm_groups < 1 ||
        !(scaling_factor > 0))
        fail("channel counts, layers, norm groups and the scaling factor must be positive");
    for (std::size_t level = 0; level < levels(); ++level)
        if (block_out_channels[level] < 1 || block_out_channels[level] % norm_groups != 0)
            fail("level " + std::to_string(level) + " has " + std::to_string(block_out_channels[level]) +
                 " channels, not a positive multiple of " + std::to_string(norm_groups) + " norm groups");
}

AutoencoderKLConfig AutoencoderKLConfig::from_diffusers_config(const json& config, const std::string& what) {
    AutoencoderKLConfig vae;
    try {
        vae = read_diffusers_config(config, what);
    } catch (const json::exception& error) {
        throw InputError(what + " is not a usable diffusers AutoencoderKL config (" + error.what() + ")");
    }
    vae.validate(what);
    return vae;
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

void to_json(json& out, const AutoencoderKLConfig& config) {
    out = json{{"in_channels", config.in_channels},
               {"out_channels", config.out_channels},
               {"latent_channels", config.latent_channels},
               {"block_out_channels", config.block_out_channels},
               {"layers_per_block", config.layers_per_block},
               {"norm_groups", config.norm_groups},
               {"scaling_factor", config.scaling_factor}};
}

void from_json(const json& in, AutoencoderKLConfig& config) {
    const std::string what = "the autoencoder config of the model bundle";
    AutoencoderKLConfig read;
    try {
        in.at("in_channels").get_to(read.in_channels);
        in.at("out_channels").get_to(read.out_channels);
        in.at("latent_channels").get_to(read.latent_channels);
        in.at("block_out_channels").get_to(read.block_out_channels);
        in.at("layers_per_block").get_to(read.layers_per_block);
        in.at("norm_groups").get_to(read.norm_groups);
        in.at("scaling_factor").get_to(read.scaling_factor);
    } catch (const json::exception& error) {
        throw InputError(what + " is incomplete or malformed (" + error.what() + ")");
    }
    read.validate(what);
    config = read;
}

}  // namespace facemix
