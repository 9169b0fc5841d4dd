#include "nn/sd_v1_presets.h"

namespace facemix {

UNetConfig sd_v1_unet_config() {
    UNetConfig config;
    config.in_channels = 4;
    config.out_channels = 4;
    config.block_out_channels = {320, 640, 1280, 1280};
    config.layers_per_block = 2;
    config.cross_attention = {true, true, true, false};
    config.attention_heads = {8, 8, 8, 8};
    config.transformer_depth = 1;
    config.context_dim = 768;
    config.norm_groups = 32;
    config.norm_eps = 1e-5;
    config.linear_projection = false;
    config.flip_sin_to_cos = true;
    config.freq_shift = 0.0;
    return config;
}

AutoencoderKLConfig sd_v1_vae_config() {
    AutoencoderKLConfig config;
    config.in_channels = 3;
    config.out_channels = 3;
    config.latent_channels = 4;
    config.block_out_channels = {128, 256, 512, 512};
    config.layers_per_block = 2;
    config.norm_groups = 32;
    config.scaling_factor = 0.18215;
    return config;
}

}  // namespace facemix
