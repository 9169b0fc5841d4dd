#pragma once

#include "io/safetensors.h"

namespace facemix {

// OpenAI CLIP / open_clip naming (outer prefix such as "cond_stage_model.model." stripped; the vision
// tower under visual.*) -> canonical names (clip_vision.h). The fused attention projection
// attn.in_proj_{weight,bias} is split into q, k, v (in that order, as nn.MultiheadAttention packs it)
// and visual.proj, applied as x @ proj, is transposed into a Linear weight. The text tower
// (transformer.*, token_embedding.*, positional_embedding, ln_final.*, text_projection, logit_scale,
// and the input_resolution / context_length / vocab_size entries of OpenAI's archives) is dropped;
// any other key is kept as it is, so load_weights reports it. Throws InputError for a fused
// projection that does not split in three.
TensorMap clip_vision_weights_from_openai(const TensorMap& weights);

}  // namespace facemix
