#pragma once

#include <ATen/core/Tensor.h>

namespace facemix {

// The image networks (UNet, VAE) carry their activations in the layout their convolutions run in:
// channels-last on the CPU, where oneDNN's convolutions work in NHWC and otherwise reorder every NCHW
// input and output around each call. Group norms, adds, upsampling and the skip concatenations keep
// the layout, and the transformers' tokens are then the map's own memory. The weights stay as stored
// (mapped from the model file, streamable); oneDNN reorders them itself. On a GPU nothing changes:
// cuDNN's channels-last wants its weights converted too, which no one has measured here.
at::Tensor to_convolution_layout(const at::Tensor& x);

// Back to the standard contiguous layout, for what leaves a network.
at::Tensor to_standard_layout(const at::Tensor& x);

}  // namespace facemix
