#include "bundle/importers.h"

#include "common/error.h"
#include "io/weight_file.h"
#include "nn/clip_names_hf.h"
#include "nn/clip_names_openai.h"
#include "nn/unet_names_ldm.h"
#include "nn/vae_names_ldm.h"

#include <ATen/ATen.h>

namespace facemix {
namespace {

constexpr const char* kUNetPrefix = "model.diffusion_model.";
constexpr const char* kVaePrefix = "first_stage_model.";
constexpr const char* kConditionPrefix = "cond_stage_model.";

bool has_prefix(const TensorMap& weights, const std::string& prefix) {
    const auto it = weights.lower_bound(prefix);
    return it != weights.end() && it->first.starts_with(prefix);
}

bool recognises_ldm_checkpoint(ModelSource& source) {
    if (source.is_folder()) return false;
    return has_prefix(source.tensors(), kUNetPrefix);
}

// The condition encoder sits at different depths: face mixer's FaceClipEncoder keeps CLIP at
// cond_stage_model.encoder.model.visual, image-mixer's embedder at cond_stage_model.model.visual.
struct ClipLocation {
    std::string prefix;
    bool openai_naming = true;
};
std::optional<ClipLocation> find_clip(const TensorMap& weights) {
    for (const auto& [name, tensor] : weights) {
        if (!name.starts_with(kConditionPrefix)) continue;
        if (name.ends_with("visual.conv1.weight")) return ClipLocation{name.substr(0, name.size() - std::string("visual.conv1.weight").size()), true};
        if (name.ends_with("vision_model.embeddings.patch_embedding.weight"))
            return ClipLocation{name.substr(0, name.size() - std::string("vision_model.embeddings.patch_embedding.weight").size()), false};
    }
    return std::nullopt;
}

// LDM checkpoints carry their training schedule as buffers; reading it beats assuming SD's.
NoiseSchedule schedule_from(const TensorMap& weights) {
    NoiseSchedule schedule;
    const auto betas = weights.find("betas");
    if (betas != weights.end() && betas->second.dim() == 1 && betas->second.numel() > 1) {
        const at::Tensor b = betas->second.to(at::kDouble);
        schedule.beta_start = b[0].item<double>();
        schedule.beta_end = b[-1].item<double>();
        schedule.train_timesteps = b.numel();
        const double middle = b[b.numel() / 2].item<double>();
        const double linear_middle = 0.5 * (schedule.beta_start + schedule.beta_end);
        schedule.beta_schedule = std::abs(middle - linear_middle) < 1e-9 ? "linear" : "scaled_linear";
    }
    return schedule;
}

ModelBundle import_ldm_checkpoint(ModelSource& source, const ImportOptions& options) {
    const TensorMap& all = source.tensors();
    const std::string what = source.path().string();
    ModelBundle bundle;
    ModelManifest& m = bundle.manifest;

    const TensorMap ldm_unet = with_prefix_stripped(all, kUNetPrefix);
    m.unet = unet_config_from_ldm_weights(ldm_unet, "the UNet of " + what, options.attention_heads, options.unet_norm_groups);
    bundle.unet = unet_weights_from_ldm(ldm_unet, *m.unet);

    TensorMap ldm_vae = with_prefix_stripped(all, kVaePrefix);
    std::erase_if(ldm_vae, [](const auto& item) { return item.first.starts_with("loss."); });  // training-only
    if (!ldm_vae.empty()) {
        m.vae = vae_config_from_ldm_weights(ldm_vae, "the autoencoder of " + what, options.vae_norm_groups);
        bundle.vae = vae_weights_from_ldm(ldm_vae, *m.vae);
    }

    const auto clip = find_clip(all);
    if (clip) {
        const TensorMap source_names = with_prefix_stripped(all, clip->prefix);
        bundle.encoder = clip->openai_naming ? clip_vision_weights_from_openai(source_names) : clip_vision_weights_from_hf(source_names);
        ClipVisionConfig config = infer_clip_vision_config(bundle.encoder, "the image encoder of " + what, options.clip_head_width);
        if (options.clip_activation) config.activation = *options.clip_activation;
        m.encoder = config;
    }
    m.schedule = schedule_from(all);
    m.conditioning.tokens = tokens_or(options, clip && clip->prefix.find(".encoder.") != std::string::npos
                                                   ? std::vector<std::string>{"face", "background"}
                                                   : std::vector<std::string>{"image_1", "image_2", "image_3", "image_4", "image_5"});
    m.provenance = provenance_for(source, "ldm-checkpoint");
    return bundle;
}

}  // namespace

const ModelImporter kLdmCheckpointImporter{"ldm-checkpoint", "an LDM checkpoint (.ckpt or .safetensors with model.diffusion_model.*)",
                                           recognises_ldm_checkpoint, import_ldm_checkpoint};

}  // namespace facemix
