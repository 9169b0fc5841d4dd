#pragma once

#include <cstdint>
#include <string>

#include "io/safetensors.h"
#include "nn/unet_config.h"

// The UNet as the original latent-diffusion code (CompVis openaimodel.py) names it, the naming of
// SD v1 .ckpt files and of lambdalabs/image-mixer: time_embed, input_blocks, middle_block,
// output_blocks, out. Names below are inside `model.diffusion_model.`, which the caller strips.

namespace facemix {

// The same tensors under canonical (diffusers) names. Only config.layers_per_block shapes the
// mapping. Names that fit no LDM pattern keep their name, so load_weights reports them as unexpected.
TensorMap unet_weights_from_ldm(const TensorMap& ldm, const UNetConfig& config);

// The config that LDM-named weights determine (see UNetConfig::from_weights for what they cannot).
UNetConfig unet_config_from_ldm_weights(const TensorMap& ldm, const std::string& what, std::int64_t attention_heads = 8,
                                        std::int64_t norm_groups = 32);

}  // namespace facemix
