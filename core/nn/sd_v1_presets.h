#pragma once

#include "nn/autoencoder_kl_config.h"
#include "nn/unet_config.h"

namespace facemix {

// The full-size Stable Diffusion v1 UNet (320/640/1280/1280 channels, 2 layers per level, cross-
// attention on the top three levels, 8 heads, 768-wide context), the one the face mixer,
// lambdalabs/image-mixer and sd-image-variations share.
UNetConfig sd_v1_unet_config();

// The SD kl-f8 autoencoder (128/256/512/512 channels, 4 latent channels, scale 0.18215).
AutoencoderKLConfig sd_v1_vae_config();

}  // namespace facemix
