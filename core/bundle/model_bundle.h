#pragma once

#include <filesystem>
#include <optional>

#include "bundle/model_manifest.h"
#include "io/safetensors.h"

namespace facemix {

// A whole model in memory: its manifest and each network's weights under canonical names. Every
// importer produces one; the facemix bundle file stores one.
struct ModelBundle {
    ModelManifest manifest;
    TensorMap unet;
    TensorMap vae;
    TensorMap encoder;
    TensorMap face_projection;  // descriptor -> face token, for face_token_source "dlib-descriptor"
};

enum class WeightDType { F32, F16, BF16 };
WeightDType weight_dtype_from_name(const std::string& name);  // "fp32", "fp16", "bf16"; InputError otherwise

// One .safetensors file: weights under "unet.", "vae.", "encoder.", "face_projection.", the manifest as JSON under the
// "facemix" metadata key. Floating-point weights are stored in `dtype`. Written atomically.
void write_bundle(const std::filesystem::path& path, const ModelBundle& bundle, WeightDType dtype = WeightDType::F32);

// Reads a bundle written by write_bundle. Its weights view the file mapped into memory (no copy; a
// page is resident once read; io/mapped_file.h), so a network built with WeightTransfer::Share runs
// on the file's own bytes. Throws InputError naming the file when it is not a facemix bundle, when its
// manifest is invalid, or when a network's weights are missing or stray.
ModelBundle read_bundle(const std::filesystem::path& path);

// True when `path` is a .safetensors file whose metadata carries a facemix manifest.
bool is_facemix_bundle(const std::filesystem::path& path);

}  // namespace facemix
