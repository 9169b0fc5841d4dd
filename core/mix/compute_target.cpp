#include "mix/compute_target.h"

#include <ATen/Context.h>
#include <ATen/detail/CUDAHooksInterface.h>

#include "bundle/model_bundle.h"
#include "common/error.h"

namespace facemix {

namespace {

int cuda_device_count() {
    // Without a driver LibTorch answers 0 rather than throwing.
    return at::globalContext().hasCUDA() ? static_cast<int>(at::detail::getCUDAHooks().deviceCount()) : 0;
}

c10::Device resolve_device(const std::string& name) {
    if (name == "auto") return cuda_device_count() > 0 ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
    if (name == "cpu") return c10::Device(c10::kCPU);
    if (name == "cuda" || name.starts_with("cuda:")) {
        int index = 0;
        if (name != "cuda") {
            const std::string digits = name.substr(5);
            if (digits.empty() || digits.size() > 3 || digits.find_first_not_of("0123456789") != std::string::npos)
                throw InputError("Device \"" + name + "\" is not one of auto, cpu, cuda or cuda:N.");
            index = std::stoi(digits);
        }
        const int count = cuda_device_count();
        if (count == 0) throw InputError("Device \"" + name + "\" was asked for, but no CUDA GPU is usable here (no driver or no device).");
        if (index >= count)
            throw InputError("Device \"" + name + "\" does not exist: this machine has " + std::to_string(count) +
                             " CUDA device(s), cuda:0 to cuda:" + std::to_string(count - 1) + ".");
        return c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(index));
    }
    throw InputError("Device \"" + name + "\" is not one of auto, cpu, cuda or cuda:N.");
}

}  // namespace

std::string precision_name(at::ScalarType dtype) {
    switch (dtype) {
        case at::kHalf: return "fp16";
        case at::kBFloat16: return "bf16";
        default: return "fp32";
    }
}

std::string ComputeTarget::description() const {
    std::string words = device.str() + ", " + precision_name(dtype);
    if (device.is_cpu() && residency != WeightResidency::Auto) words += ", weights " + weight_residency_name(residency);
    return words;
}

void synchronize(const ComputeTarget& target) {
    if (target.device.is_cuda()) at::detail::getCUDAHooks().deviceSynchronize(target.device.index());
}

ComputeTarget resolve_compute_target(const std::string& device, const std::string& precision, const std::string& weight_memory) {
    ComputeTarget target;
    target.device = resolve_device(device);
    target.residency = weight_residency_from_name(weight_memory);
    if (precision == "auto") {
        target.dtype = target.device.is_cuda() ? at::kHalf : at::kFloat;
        return target;
    }
    switch (weight_dtype_from_name(precision)) {
        case WeightDType::F32: target.dtype = at::kFloat; break;
        case WeightDType::F16: target.dtype = at::kHalf; break;
        case WeightDType::BF16: target.dtype = at::kBFloat16; break;
    }
    if (target.device.is_cpu() && target.dtype == at::kHalf)
        throw InputError("Precision fp16 needs a CUDA device; on the CPU use fp32 or bf16.");
    return target;
}

}  // namespace facemix
