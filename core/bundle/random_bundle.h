#pragma once

#include <cstdint>
#include <string>

#include "bundle/model_bundle.h"

namespace facemix {

// A bundle with the manifest's networks in LibTorch's default random initialisation, drawn from a
// generator seeded with `seed`: the model tests and benchmarks run the real code on, and the start of
// training from scratch.
ModelBundle random_bundle(const ModelManifest& manifest, std::uint64_t seed);

// Face-mixer architectures by name: "tiny" (a few hundred thousand parameters at 32 px, for tests and
// the CPU) and "sd-v1" (the full SD v1 UNet and autoencoder with CLIP ViT-L/14, 512 px, as the original
// face-mixer checkpoints). Throws InputError for another name.
ModelManifest face_mixer_manifest(const std::string& architecture);

}  // namespace facemix
