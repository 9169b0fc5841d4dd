#include "bundle/random_bundle.h"

#include <ATen/Context.h>
#include <ATen/core/grad_mode.h>

#include "common/error.h"
#include "nn/autoencoder_kl.h"
#include "nn/clip_vision.h"
#include "nn/descriptor_projection.h"
#include "nn/load_weights.h"
#include "nn/sd_v1_presets.h"
#include "nn/unet.h"

namespace facemix {

namespace {

template <typename Network, typename Config>
TensorMap random_weights(const std::optional<Config>& config) {
    if (!config) return {};
    Network network(*config);
    return module_weights(network);
}

}  // namespace

ModelBundle random_bundle(const ModelManifest& manifest, std::uint64_t seed) {
    at::NoGradGuard no_grad;
    at::manual_seed(seed);
    ModelBundle bundle;
    bundle.manifest = manifest;
    bundle.unet = random_weights<UNet>(manifest.unet);
    bundle.vae = random_weights<AutoencoderKL>(manifest.vae);
    bundle.encoder = random_weights<ClipVisionModel>(manifest.encoder);
    bundle.face_projection = random_weights<DescriptorProjection>(manifest.face_projection);
    return bundle;
}

ModelManifest face_mixer_manifest(const std::string& architecture) {
    ModelManifest manifest;
    manifest.conditioning.tokens = {"face", "background"};
    manifest.provenance = {"random", "random", std::string("facemix ") + FACEMIX_VERSION, "architecture " + architecture};
    if (architecture == "sd-v1") {
        manifest.unet = sd_v1_unet_config();
        manifest.vae = sd_v1_vae_config();
        manifest.encoder = ClipVisionConfig::vit_l_14();
        manifest.native_resolution = 512;
        return manifest;
    }
    if (architecture == "tiny") {
        UNetConfig unet;
        unet.block_out_channels = {16, 32};
        unet.layers_per_block = 1;
        unet.cross_attention = {true, true};
        unet.attention_heads = {2, 2};
        unet.context_dim = 32;
        unet.norm_groups = 8;
        manifest.unet = unet;
        AutoencoderKLConfig vae;
        vae.block_out_channels = {8, 16};
        vae.layers_per_block = 1;
        vae.norm_groups = 4;
        manifest.vae = vae;
        ClipVisionConfig encoder;
        encoder.image_size = 32;
        encoder.patch_size = 8;
        encoder.width = 32;
        encoder.layers = 2;
        encoder.heads = 2;
        encoder.intermediate_size = 64;
        encoder.projection_dim = 32;
        manifest.encoder = encoder;
        manifest.native_resolution = 32;
        return manifest;
    }
    throw InputError("Architecture \"" + architecture + "\" is not one of tiny or sd-v1.");
}

}  // namespace facemix
