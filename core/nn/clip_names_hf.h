#pragma once

#include "io/safetensors.h"

namespace facemix {

// transformers naming (CLIPVisionModelWithProjection or a whole CLIPModel, outer prefix stripped) ->
// canonical names, which are transformers' own. The text tower (text_model.*, text_projection.weight)
// and logit_scale are dropped, as is vision_model.embeddings.position_ids, an index buffer that older
// transformers versions saved. Every other key is kept as it is, so load_weights reports it.
TensorMap clip_vision_weights_from_hf(const TensorMap& weights);

}  // namespace facemix
