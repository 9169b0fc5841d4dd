#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "io/tensor_map.h"

namespace facemix {

// The shape of an SD-family KL autoencoder. Levels run from the image resolution down; each level
// but the last halves the resolution, so the latent is 2^(levels-1) times smaller than the image.
struct AutoencoderKLConfig {
    std::int64_t in_channels = 3;
    std::int64_t out_channels = 3;
    std::int64_t latent_channels = 4;
    std::vector<std::int64_t> block_out_channels;
    std::int64_t layers_per_block = 2;  // the decoder has one more per level, as in the reference
    std::int64_t norm_groups = 32;
    double scaling_factor = 0.18215;  // latents the UNet sees are the posterior times this

    std::size_t levels() const { return block_out_channels.size(); }

    // Throws InputError, naming `what`, unless the numbers describe a buildable network.
    void validate(const std::string& what) const;

    // Reads a diffusers vae/config.json of an AutoencoderKL; refuses features this network lacks.
    static AutoencoderKLConfig from_diffusers_config(const nlohmann::json& config, const std::string& what);

    // Reads what the weights' shapes determine from canonical (diffusers) names; the norm groups and
    // the scaling factor leave no trace in the shapes and come from the arguments.
    static AutoencoderKLConfig from_weights(const TensorMap& weights, const std::string& what,
                                            std::int64_t norm_groups = 32, double scaling_factor = 0.18215);

    friend bool operator==(const AutoencoderKLConfig&, const AutoencoderKLConfig&) = default;
};

// The model bundle's form: the field names above.
void to_json(nlohmann::json& json, const AutoencoderKLConfig& config);
void from_json(const nlohmann::json& json, AutoencoderKLConfig& config);

}  // namespace facemix
