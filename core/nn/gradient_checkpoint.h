#pragma once

#include <functional>
#include <vector>

#include <ATen/core/Tensor.h>

namespace facemix {

// A piece of a network as a pure function of its tensor inputs (parameters are reached through the
// modules it captures, which must outlive the backward pass).
using CheckpointedFunction = std::function<std::vector<at::Tensor>(const std::vector<at::Tensor>&)>;

// Gradient checkpointing, as torch.utils.checkpoint's reentrant variant (which LibTorch's C++ API lacks):
// runs `function` without keeping its activations, and in the backward pass runs it again with
// gradients on and back-propagates through that recomputation, into the inputs and into the parameters
// it uses. Trades a second forward pass for the memory of the intermediate activations. The autocast
// state of the forward pass is restored for the recomputation. `function` must be deterministic (no
// dropout). Without grad mode, or when no input needs a gradient, it is a plain call. Inputs must be
// defined tensors.
std::vector<at::Tensor> gradient_checkpoint(const CheckpointedFunction& function, const std::vector<at::Tensor>& inputs);

}  // namespace facemix
