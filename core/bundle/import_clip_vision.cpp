#include "bundle/importers.h"

#include "nn/clip_names_hf.h"
#include "nn/clip_names_openai.h"

namespace facemix {
namespace {

bool openai_naming(const TensorMap& weights) { return weights.count("visual.conv1.weight") > 0; }
bool hf_naming(const TensorMap& weights) { return weights.count("vision_model.embeddings.patch_embedding.weight") > 0; }

bool recognises_clip_checkpoint(ModelSource& source) {
    if (source.is_folder()) return false;
    const TensorMap& weights = source.tensors();
    return openai_naming(weights) || hf_naming(weights);
}

// A CLIP file alone is an encoder without a generator: useful to embed, to inspect, or to pair with a
// UNet converted separately.
ModelBundle import_clip_checkpoint(ModelSource& source, const ImportOptions& options) {
    const TensorMap& weights = source.tensors();
    ModelBundle bundle;
    bundle.encoder = openai_naming(weights) ? clip_vision_weights_from_openai(weights) : clip_vision_weights_from_hf(weights);
    ClipVisionConfig config = infer_clip_vision_config(bundle.encoder, source.path().string(), options.clip_head_width);
    if (options.clip_activation) config.activation = *options.clip_activation;
    bundle.manifest.encoder = config;
    bundle.manifest.conditioning.tokens = tokens_or(options, {"image"});
    bundle.manifest.native_resolution = config.image_size;
    bundle.manifest.provenance = provenance_for(source, openai_naming(weights) ? "clip-openai" : "clip-transformers");
    return bundle;
}

}  // namespace

const ModelImporter kClipVisionImporter{"clip", "a CLIP checkpoint (OpenAI, open_clip or transformers naming)", recognises_clip_checkpoint, import_clip_checkpoint};

}  // namespace facemix
