#pragma once

#include <memory>
#include <vector>

#include <ATen/core/Tensor.h>

#include "bundle/model_bundle.h"
#include "nn/weight_transfer.h"

namespace torch::nn {
class Module;
}

namespace facemix {

class UNet;
class AutoencoderKL;
class ClipVisionModel;
class DescriptorProjection;

// The networks of a bundle, built from its manifest and loaded with its weights, in eval mode.
// A network the bundle does not have stays null.
struct ModelNetworks {
    std::shared_ptr<UNet> unet;
    std::shared_ptr<AutoencoderKL> vae;
    std::shared_ptr<ClipVisionModel> encoder;
    std::shared_ptr<DescriptorProjection> face_projection;

    // The networks the model has, for what applies to each of them (their weights' memory).
    std::vector<const torch::nn::Module*> present() const;
};

// Throws InputError (from load_weights) naming `what` when any network's weights do not fit its config
// exactly, so a bundle that converts is a bundle that runs. The networks are created in `dtype` (never a
// float32 copy first) and hold their weights as `transfer` says.
ModelNetworks build_networks(const ModelBundle& bundle, const std::string& what, at::ScalarType dtype = at::kFloat,
                             WeightTransfer transfer = WeightTransfer::Copy);

}  // namespace facemix
