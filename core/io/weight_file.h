#pragma once

#include <filesystem>

#include "io/safetensors.h"

namespace facemix {

// Tensors of one weight file, whatever its container: .safetensors, or a PyTorch zip checkpoint
// (.ckpt, .pt, .pth, .bin) read through the restricted unpickler. InputError for anything else.
TensorMap read_weight_file(const std::filesystem::path& path);

// The entries of `weights` whose names start with `prefix`, with the prefix removed.
TensorMap with_prefix_stripped(const TensorMap& weights, const std::string& prefix);

}  // namespace facemix
