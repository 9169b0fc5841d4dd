#include "nn/autoencoder_kl_config.h"

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "io/json_error.h"
#include "io/json_integer.h"
#include "nn/diffusers_config.h"

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
    vae.in_channels = json_integer_or<std::int64_t>(config, "in_channels", 3);
    vae.out_channels = json_integer_or<std::int64_t>(config, "out_channels", 3);
    vae.latent_channels = json_integer_or<std::int64_t>(config, "latent_channels", 4);
    vae.block_out_channels = json_integers<std::int64_t>(config.at("block_out_channels"));
    vae.layers_per_block = json_integer_or<std::int64_t>(config, "layers_per_block", 1);
    vae.norm_groups = json_integer_or<std::int64_t>(config, "norm_num_groups", 32);
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
        throw InputError(what + " is not a usable diffusers AutoencoderKL config (" + json_error_words(error) + ")");
    }
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
        read.in_channels = json_integer<std::int64_t>(in.at("in_channels"));
        read.out_channels = json_integer<std::int64_t>(in.at("out_channels"));
        read.latent_channels = json_integer<std::int64_t>(in.at("latent_channels"));
        read.block_out_channels = json_integers<std::int64_t>(in.at("block_out_channels"));
        read.layers_per_block = json_integer<std::int64_t>(in.at("layers_per_block"));
        read.norm_groups = json_integer<std::int64_t>(in.at("norm_groups"));
        in.at("scaling_factor").get_to(read.scaling_factor);
    } catch (const json::exception& error) {
        throw InputError(what + " is incomplete or malformed (" + json_error_words(error) + ")");
    }
    read.validate(what);
    config = read;
}

}  // namespace facemix
