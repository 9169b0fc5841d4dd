#include "train/latent_target.h"

#include <ATen/core/grad_mode.h>
#include <ATen/ops/stack.h>
#include <ATen/ops/zeros.h>
#include <torch/nn/module.h>

#include "bundle/model_hash.h"
#include "bundle/model_networks.h"
#include "common/error.h"
#include "nn/autoencoder_kl.h"
#include "nn/clip_vision.h"

namespace facemix {

ModelBundle read_fine_tune_bundle(const std::filesystem::path& path) {
    if (!std::filesystem::exists(path)) throw InputError("The bundle to fine-tune, " + path.string() + ", does not exist.");
    if (std::filesystem::is_directory(path))
        throw InputError(path.string() + " is a folder, not a facemix bundle: convert it into one with facemix convert first.");
    ModelBundle bundle = read_bundle(path);
    const ModelManifest& m = bundle.manifest;
    if (!m.vae || !m.encoder || !m.unet)
        throw InputError(path.string() + " has no " + std::string(!m.vae ? "VAE" : !m.encoder ? "image encoder" : "UNet") +
                         "; facemix fine-tunes SD bundles, which have a VAE, an image encoder and a UNet, in latent space.");
    return bundle;
}

ModelManifest fine_tune_manifest(const ModelBundle& init, const std::string& what) {
    ModelManifest manifest = init.manifest;
    const UNetConfig& unet = *manifest.unet;
    if (unet.in_channels != manifest.vae->latent_channels || unet.out_channels != manifest.vae->latent_channels)
        throw InputError(what + "'s UNet has " + std::to_string(unet.in_channels) + " input and " +
                         std::to_string(unet.out_channels) + " output channels but its VAE makes " +
                         std::to_string(manifest.vae->latent_channels) + "-channel latents.");
    if (manifest.encoder->projection_dim != unet.context_dim)
        throw InputError(what + "'s encoder makes " + std::to_string(manifest.encoder->projection_dim) +
                         "-wide embeddings but its UNet attends to " + std::to_string(unet.context_dim) + "-wide tokens.");
    if (manifest.schedule.prediction != "epsilon")
        throw InputError(what + " predicts " + manifest.schedule.prediction + "; facemix fine-tunes epsilon prediction only.");
    manifest.conditioning.tokens = {"face", "background"};
    manifest.conditioning.face_token_source = "encoder";
    manifest.face_projection.reset();
    return manifest;
}

ModelBundle trainable_part(const ModelBundle& init, const ModelManifest& manifest) {
    ModelBundle part;
    part.manifest = manifest;
    part.manifest.vae.reset();
    part.manifest.encoder.reset();
    part.manifest.face_projection.reset();
    part.unet = init.unet;
    return part;
}

LatentTarget::LatentTarget(const ModelBundle& init, const ModelManifest& manifest, ComputeTarget target)
    : target_(target), conditioning_(manifest.conditioning), layout_(token_layout(manifest.conditioning)) {
    ModelBundle frozen;
    frozen.manifest.vae = manifest.vae;
    frozen.manifest.encoder = manifest.encoder;
    frozen.manifest.native_resolution = 0;
    // Only what the tokens depend on: the dropout rates a run records do not change them.
    frozen.manifest.conditioning = manifest.conditioning;
    frozen.manifest.conditioning.face_dropout = frozen.manifest.conditioning.background_dropout =
        frozen.manifest.conditioning.both_dropout = 0;
    frozen.vae = vae_weights_ = init.vae;
    frozen.encoder = encoder_weights_ = init.encoder;
    frozen_hash_ = model_hash(frozen);
    const ModelNetworks networks = build_networks(frozen, "the bundle to fine-tune");
    vae_ = networks.vae;
    encoder_ = networks.encoder;
    for (auto& parameter : vae_->parameters()) parameter.set_requires_grad(false);
    for (auto& parameter : encoder_->parameters()) parameter.set_requires_grad(false);
    vae_->to(target_.device);
    encoder_->to(target_.device);
}

LatentTarget::~LatentTarget() = default;

at::Tensor LatentTarget::latents(const at::Tensor& images) const {
    const at::NoGradGuard no_grad;
    return vae_->encode(images.to(target_.device));
}

at::Tensor LatentTarget::tokens(const at::Tensor& targets, const at::Tensor& face_sources) const {
    const at::NoGradGuard no_grad;
    const std::int64_t batch = targets.size(0);
    std::vector<at::Tensor> tokens;
    for (const TokenSpec& token : layout_) {
        if (token.role == TokenRole::Unused) {
            tokens.push_back(at::zeros({batch, encoder_->config().projection_dim}, at::TensorOptions(target_.device)));
            continue;
        }
        const at::Tensor& source = token.role == TokenRole::Face ? face_sources : targets;
        tokens.push_back(encoder_->encode_image(image_part(source.to(target_.device), token.part, conditioning_)).to(at::kFloat));
    }
    return at::stack(tokens, 1);
}

}  // namespace facemix
