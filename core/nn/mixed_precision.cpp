#include "nn/mixed_precision.h"

#include <ATen/ATen.h>
#include <ATen/cpu/Utils.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

namespace facemix {
namespace {

bool capability(const std::unordered_map<std::string, c10::IValue>& capabilities, const char* name) {
    const auto found = capabilities.find(name);
    return found != capabilities.end() && found->second.isBool() && found->second.toBool();
}

// Undefined stays undefined (a layer without bias); otherwise the dtype of the activations.
at::Tensor widened(const at::Tensor& weight, const at::Tensor& x) {
    return weight.defined() ? weight.to(x.scalar_type()) : weight;
}

bool agrees(const at::Tensor& weight, const at::Tensor& x) { return !weight.defined() || weight.scalar_type() == x.scalar_type(); }

}  // namespace

bool cpu_computes_bf16_natively() {
    static const bool native = [] {
        const auto capabilities = at::cpu::get_cpu_capabilities();
        return capability(capabilities, "avx512_bf16") || capability(capabilities, "amx_bf16") ||
               (capability(capabilities, "avx512_bw") && capability(capabilities, "avx512_vl") &&
                capability(capabilities, "avx512_dq"));
    }();
    return native;
}

at::ScalarType activation_dtype(const at::Tensor& weight) {
    if (weight.scalar_type() == at::kBFloat16 && weight.device().is_cpu() && !cpu_computes_bf16_natively()) return at::kFloat;
    return weight.scalar_type();
}

// ATen's linear in both cases, not the module's forward: LibTorch's C++ module adds the bias of a 3-D
// input in a second pass after the matrix product, where ATen's folds a contiguous input to 2-D and adds
// the bias inside the one addmm, as PyTorch (and so diffusers) does. Weights that agree are not copied.
at::Tensor linear(torch::nn::LinearImpl& layer, const at::Tensor& x) {
    return at::linear(x, widened(layer.weight, x), widened(layer.bias, x));
}

at::Tensor conv2d(torch::nn::Conv2dImpl& layer, const at::Tensor& x) {
    if (agrees(layer.weight, x)) return layer.forward(x);
    const auto& options = layer.options;
    // facemix's networks pad with zeros by explicit amounts; anything else goes through the module.
    const auto* padding = std::get_if<torch::ExpandingArray<2>>(&options.padding());
    if (!padding || !std::holds_alternative<torch::enumtype::kZeros>(options.padding_mode()))
        return layer.forward(x.to(layer.weight.scalar_type())).to(x.scalar_type());
    return at::conv2d(x, widened(layer.weight, x), widened(layer.bias, x), *options.stride(), **padding, *options.dilation(),
                      options.groups());
}

at::Tensor group_norm(torch::nn::GroupNormImpl& layer, const at::Tensor& x) {
    if (agrees(layer.weight, x)) return layer.forward(x);
    return at::group_norm(x, layer.options.num_groups(), widened(layer.weight, x), widened(layer.bias, x), layer.options.eps());
}

at::Tensor layer_norm(torch::nn::LayerNormImpl& layer, const at::Tensor& x) {
    if (agrees(layer.weight, x)) return layer.forward(x);
    return at::layer_norm(x, layer.options.normalized_shape(), widened(layer.weight, x), widened(layer.bias, x),
                          layer.options.eps());
}

}  // namespace facemix
