#include "bundle/model_networks.h"

#include "nn/autoencoder_kl.h"
#include "nn/clip_vision.h"
#include "nn/descriptor_projection.h"
#include "nn/load_weights.h"
#include "nn/unet.h"

namespace facemix {
namespace {

template <typename Network, typename Config>
std::shared_ptr<Network> build(const std::optional<Config>& config, const TensorMap& weights, const std::string& what,
                               at::ScalarType dtype) {
    if (!config) return nullptr;
    auto network = std::make_shared<Network>(*config);
    network->to(dtype);
    load_weights(*network, weights, what);
    network->eval();
    return network;
}

}  // namespace

ModelNetworks build_networks(const ModelBundle& bundle, const std::string& what, at::ScalarType dtype) {
    const ModelManifest& m = bundle.manifest;
    return {build<UNet>(m.unet, bundle.unet, "the UNet of " + what, dtype),
            build<AutoencoderKL>(m.vae, bundle.vae, "the autoencoder of " + what, dtype),
            build<ClipVisionModel>(m.encoder, bundle.encoder, "the image encoder of " + what, dtype),
            build<DescriptorProjection>(m.face_projection, bundle.face_projection, "the face projection of " + what, dtype)};
}

}  // namespace facemix
