#pragma once

#include <filesystem>

#include "io/safetensors.h"

namespace facemix {

// Reads the weights of a PyTorch checkpoint written by torch.save since PyTorch 1.6 (the zip
// format of LDM/Lightning .ckpt, .pt and pytorch_model.bin files) without running any of it: the
// pickle inside goes through facemix's own restricted machine, which accepts only what rebuilds
// tensors. Returns CPU tensors in their stored dtypes and strides, named as in the checkpoint's
// "state_dict" when it has one (else its top-level dict), with nested dicts joined by '.'.
// Throws InputError naming the file for anything hostile, malformed or unsupported (big-endian
// data, pre-1.6 files).
TensorMap read_torch_checkpoint(const std::filesystem::path& path);

}  // namespace facemix
