#pragma once

#include <ATen/core/Tensor.h>

namespace torch::nn {
class LinearImpl;
class Conv2dImpl;
class GroupNormImpl;
class LayerNormImpl;
}  // namespace torch::nn

namespace facemix {

// Whether this CPU computes in bf16 at least as fast as in fp32: oneDNN's own test (AVX-512 BW/VL/DQ,
// AVX-512 BF16 or AMX). On an AVX2-only CPU bf16 convolutions run a reference path hundreds of times
// slower than fp32 and bf16 matrix products about five times slower.
bool cpu_computes_bf16_natively();

// The dtype a network's activations run in when its weights are stored in `weight`'s dtype: the same,
// except bf16 weights on a CPU without native bf16, which compute in fp32. Such a network keeps its
// weights in bf16 (half the memory) and widens each layer's weights only while that layer runs.
at::ScalarType activation_dtype(const at::Tensor& weight);

// The layers' forward passes on activations of activation_dtype(): the module's own forward when the
// dtypes agree (linear: ATen's, which PyTorch's modules call), otherwise with the weights widened to the
// input's dtype for the call.
at::Tensor linear(torch::nn::LinearImpl& layer, const at::Tensor& x);
at::Tensor conv2d(torch::nn::Conv2dImpl& layer, const at::Tensor& x);
at::Tensor group_norm(torch::nn::GroupNormImpl& layer, const at::Tensor& x);
at::Tensor layer_norm(torch::nn::LayerNormImpl& layer, const at::Tensor& x);

}  // namespace facemix
