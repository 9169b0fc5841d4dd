#pragma once

#include <cstdint>
#include <string>

#include "io/safetensors.h"
#include "nn/autoencoder_kl_config.h"

// The KL autoencoder as the original latent-diffusion code (CompVis ldm/modules/diffusionmodules/
// model.py) names it, the naming of SD v1 .ckpt files: encoder.down.i.block.j, mid.block_1/attn_1,
// decoder.up.i (numbered from the lowest resolution, the reverse of diffusers), norm_out. Names below
// are inside `first_stage_model.`, which the caller strips.

namespace facemix {

// The same tensors under canonical (diffusers) names; the mid-block attention's 1×1-conv weights
// become linear ones. Only the number of levels in `config` shapes the mapping. Names that fit no
// LDM pattern keep their name, so load_weights reports them as unexpected.
TensorMap vae_weights_from_ldm(const TensorMap& ldm, const AutoencoderKLConfig& config);

// The config that LDM-named weights determine (see AutoencoderKLConfig::from_weights).
AutoencoderKLConfig vae_config_from_ldm_weights(const TensorMap& ldm, const std::string& what,
                                                std::int64_t norm_groups = 32, double scaling_factor = 0.18215);

}  // namespace facemix
