#pragma once

#include <string>

#include <torch/nn/module.h>

#include "io/safetensors.h"
#include "nn/weight_transfer.h"

namespace facemix {

// Puts `weights` (canonical names, i.e. the module's own parameter and buffer names) into `module`,
// converting dtype to the module's. Refuses, with one InputError that lists them precisely, any
// missing key, unexpected key or shape mismatch: a checkpoint that half-fits a network would otherwise
// produce plausible-looking noise. `what` names the source in the message ("UNet of model.ckpt").
void load_weights(torch::nn::Module& module, const TensorMap& weights, const std::string& what,
                  WeightTransfer transfer = WeightTransfer::Copy);

// The module's parameters and buffers under their canonical names (what load_weights expects back).
TensorMap module_weights(const torch::nn::Module& module);

}  // namespace facemix
