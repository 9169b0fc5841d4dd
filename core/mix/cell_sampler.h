#pragma once

#include <cstdint>
#include <functional>
#include <stop_token>
#include <vector>

#include <ATen/core/Tensor.h>

#include "bundle/model_networks.h"
#include "mix/compute_target.h"
#include "mix/sampling_settings.h"

namespace facemix {

// One image to make: its condition tokens, its seed and, for SDEdit, the photo it starts from.
struct CellInput {
    at::Tensor condition;   // [N, D] float32
    std::uint64_t seed = 0;
    at::Tensor init_image;  // undefined, or SDEdit's start [1, 3, R, R] in [-1, 1] at the output resolution
};

struct SamplingStats {
    std::int64_t unet_calls = 0;
    double unet_seconds = 0.0;   // inside UNet::forward, device synchronised
    double loop_seconds = 0.0;   // the denoising loop: UNet calls plus sampler steps and guidance
    double total_seconds = 0.0;  // the whole call: noise, sampler steps, guidance, decoding
};

// Called after every denoising step with (steps done, steps in all).
using StepCallback = std::function<void(std::size_t done, std::size_t total)>;

// Samples the cells together: one UNet call per step for all cells and all guidance passes, each cell
// with its own sampler state and its own CPU random stream seeded by its seed, so a cell's pixels do not
// depend on which other cells share its batch (up to the UNet's own arithmetic). Returns each cell's
// image [1, 3, R, R], float32 on the CPU, in [-1, 1]. The stop token is checked before every UNet call;
// a stop throws Cancelled. Throws InputError for settings the model cannot honour.
std::vector<at::Tensor> sample_cells(const ModelNetworks& networks, const ModelManifest& manifest,
                                     const ComputeTarget& target, const std::vector<CellInput>& cells,
                                     const SamplingSettings& settings, const StepCallback& on_step,
                                     std::stop_token stop, SamplingStats* stats = nullptr);

// Throws InputError for a sampler, step count, spacing, eta or strength that cannot run on the model's
// schedule. Jobs call it once, where their settings come in (MixEngine), so a bad setting is refused
// before any work instead of failing every cell; sample_cells itself assumes checked settings.
void check_sampling_settings(const SamplingSettings& settings, const NoiseSchedule& schedule);

// The output resolution the settings ask of this model (its native one when 0), checked against what
// the networks can produce. Throws InputError.
std::int64_t output_resolution(const ModelManifest& manifest, const SamplingSettings& settings);

}  // namespace facemix
