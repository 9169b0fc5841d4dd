#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "bundle/model_bundle.h"
#include "mix/compute_target.h"
#include "mix/condition_tokens.h"

namespace facemix {

class AutoencoderKL;
class ClipVisionModel;

// Reads the bundle `facemix train --init` fine-tunes. Throws InputError, one sentence naming the file,
// when it is missing, not a facemix bundle, or lacks the VAE, image encoder or UNet of an SD bundle.
ModelBundle read_fine_tune_bundle(const std::filesystem::path& path);

// The architecture a fine-tune of `init` trains and writes: init's networks, schedule and face box, with
// the face-mixer token layout (face crop, masked background, both from the image encoder) whatever
// tokens init had; a face projection of init is dropped. Throws InputError naming `what` when the UNet
// does not denoise the VAE's latents, the encoder's width is not the UNet's context width, or the
// schedule is not epsilon prediction.
ModelManifest fine_tune_manifest(const ModelBundle& init, const std::string& what);

// The part of `init` that learns: its UNet under `manifest` (fine_tune_manifest's, with the run's
// resolution and dropout rates), the other networks left out.
ModelBundle trainable_part(const ModelBundle& init, const ModelManifest& manifest);

// The frozen half of latent fine-tuning: the init bundle's VAE and image encoder in inference mode,
// without gradients, turning a batch of aligned images into the UNet's training target and its
// condition tokens, the way MixEngine decodes and conditions.
class LatentTarget {
public:
    // Builds and loads the VAE and encoder of `init` under `manifest` (fine_tune_manifest's) on `target`.
    LatentTarget(const ModelBundle& init, const ModelManifest& manifest, ComputeTarget target);
    ~LatentTarget();

    // x0 of the objective: the posterior mean of images [B, 3, R, R] in [-1, 1] times the VAE's scaling
    // factor (AutoencoderKL::encode, the scale AutoencoderKL::decode takes back), [B, C, R/f, R/f].
    at::Tensor latents(const at::Tensor& images) const;
    // The condition tokens [B, N, D] in the manifest's layout: each token embeds its part (image_part) of
    // the face sources (face role) or the targets (background role) with the encoder, as SourceEmbedder
    // does at inference; unused slots are zero.
    at::Tensor tokens(const at::Tensor& targets, const at::Tensor& face_sources) const;

    const std::vector<TokenSpec>& layout() const { return layout_; }
    // The frozen weights exactly as init held them, for the output bundle.
    const TensorMap& vae_weights() const { return vae_weights_; }
    const TensorMap& encoder_weights() const { return encoder_weights_; }
    // A digest of everything latents() and tokens() depend on: both networks' configs and weights and
    // the conditioning's token layout and face box (model_hash of that part).
    const std::string& frozen_hash() const { return frozen_hash_; }

private:
    ComputeTarget target_;
    Conditioning conditioning_;
    std::vector<TokenSpec> layout_;
    std::shared_ptr<AutoencoderKL> vae_;
    std::shared_ptr<ClipVisionModel> encoder_;
    TensorMap vae_weights_, encoder_weights_;
    std::string frozen_hash_;
};

}  // namespace facemix
