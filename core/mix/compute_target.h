#pragma once

#include <string>

#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include "nn/weight_residency.h"

namespace facemix {

// Where and in what precision a job's networks run. Alignment stays on the CPU (dlib); everything
// after the aligned images (embedding, sampling, decoding) runs here.
struct ComputeTarget {
    c10::Device device = c10::Device(c10::kCPU);
    at::ScalarType dtype = at::kFloat;  // weights and activations; the sampler's state stays float32
    // What jobs do with the weights mapped from the model file; MixEngine settles Auto when it opens the model.
    WeightResidency residency = WeightResidency::Auto;

    std::string description() const;  // "cuda:0, bf16"; "cpu, bf16, weights streamed" once settled
};

// `device`: "auto" (the first CUDA device when one is usable, else the CPU), "cpu", "cuda" or "cuda:N".
// `precision`: "fp32", "fp16", "bf16" or "auto" (fp16 on CUDA, fp32 on the CPU, where half precision
// is slower). Throws InputError for an unknown name, a CUDA device that is not there, or fp16 on the
// CPU (LibTorch's CPU kernels lack half-precision convolutions). `weight_memory`: a WeightResidency
// name ("auto", "resident", "streamed").
ComputeTarget resolve_compute_target(const std::string& device, const std::string& precision,
                                     const std::string& weight_memory = "auto");

std::string precision_name(at::ScalarType dtype);  // "fp32", "fp16", "bf16"

// Waits for the device's queued work, so wall-clock timings of GPU work mean something.
void synchronize(const ComputeTarget& target);

}  // namespace facemix
