// fuzz-sources: core/bundle/model_manifest.cpp core/diffusion/noise_schedule_config.cpp core/nn/unet_config.cpp core/nn/autoencoder_kl_config.cpp core/nn/clip_vision_config.cpp core/nn/descriptor_projection_config.cpp core/nn/diffusers_config.cpp core/align/face_box.cpp core/io/json_error.cpp
// fuzz-packages: opencv4
// Feeds arbitrary bytes, as the JSON a bundle keeps under its "facemix" metadata key, to what
// model_bundle.cpp reads it with: the JSON parse, then manifest_from_json with each network's config
// and their validation. A manifest or an InputError are the only outcomes.

#include "bundle/model_manifest.h"
#include "common/error.h"

#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const nlohmann::json json = nlohmann::json::parse(data, data + size, nullptr, false);
    if (json.is_discarded()) return 0;
    try {
        const facemix::ModelManifest manifest = facemix::manifest_from_json(json, "fuzz.safetensors");
        if (manifest.conditioning.tokens.empty() || !manifest.conditioning.face_box.valid()) __builtin_trap();
    } catch (const facemix::InputError&) {
    }
    return 0;
}
