#include "mix/cell_sampler.h"

#include <chrono>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/core/grad_mode.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/full.h>
#include <ATen/ops/randn.h>
#include <ATen/ops/stack.h>
#include <torch/nn/module.h>

#include "common/error.h"
#include "diffusion/guidance.h"
#include "diffusion/sampler.h"
#include "mix/condition_tokens.h"
#include "nn/autoencoder_kl.h"
#include "nn/resident_memory.h"
#include "nn/unet.h"

namespace facemix {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// How many pixels one latent (or pixel-space) cell covers.
std::int64_t latent_factor(const ModelManifest& manifest) {
    return manifest.vae ? std::int64_t{1} << (manifest.vae->levels() - 1) : 1;
}

Guidance guidance_for(const ModelManifest& manifest, const SamplingSettings& settings) {
    const std::vector<TokenSpec> layout = token_layout(manifest.conditioning);
    if (!settings.separate_guidance()) return Guidance::classifier_free(settings.cfg_scale, layout.size());
    std::vector<Guidance::Branch> branches;
    const auto add_branch = [&](TokenRole role, double scale) {
        Guidance::Branch branch{std::vector<bool>(layout.size(), false), scale};
        bool any = false;
        for (std::size_t k = 0; k < layout.size(); ++k) any |= branch.keep[k] = layout[k].role == role;
        if (any) branches.push_back(std::move(branch));
    };
    add_branch(TokenRole::Face, settings.face_scale.value_or(settings.cfg_scale));
    add_branch(TokenRole::Background, settings.background_scale.value_or(settings.cfg_scale));
    if (branches.empty()) throw InputError("The model's condition tokens come from neither a face nor a background source.");
    return Guidance(std::move(branches));
}

}  // namespace

void check_sampling_settings(const SamplingSettings& settings, const NoiseSchedule& schedule) {
    if (!(settings.strength >= 0.0 && settings.strength <= 1.0)) throw InputError("Strength must lie between 0 and 1.");
    const SamplerOptions options{timestep_spacing_from_name(settings.spacing), 1, settings.eta};
    check_sampler_settings(settings.sampler, options, settings.steps, schedule.train_timesteps);
}

std::int64_t output_resolution(const ModelManifest& manifest, const SamplingSettings& settings) {
    if (!manifest.unet) throw InputError("The model has no UNet, so it cannot generate images.");
    const std::int64_t resolution = settings.resolution > 0 ? settings.resolution : manifest.native_resolution;
    const std::int64_t multiple = latent_factor(manifest) * (std::int64_t{1} << (manifest.unet->levels() - 1));
    if (resolution < multiple || resolution > 4096 || resolution % multiple != 0)
        throw InputError("Resolution " + std::to_string(resolution) + " px is not possible with this model: use a multiple of " +
                         std::to_string(multiple) + " px up to 4096.");
    return resolution;
}

std::vector<at::Tensor> sample_cells(const ModelNetworks& networks, const ModelManifest& manifest,
                                     const ComputeTarget& target, const std::vector<CellInput>& cells,
                                     const SamplingSettings& settings, const StepCallback& on_step,
                                     std::stop_token stop, SamplingStats* stats) {
    const auto started = Clock::now();
    if (cells.empty()) return {};
    if (!networks.unet) throw InputError("The model has no UNet, so it cannot generate images.");
    if (manifest.vae && !networks.vae) throw InputError("The model's autoencoder is missing.");
    at::NoGradGuard no_grad;

    const std::int64_t resolution = output_resolution(manifest, settings);
    const std::int64_t side = resolution / latent_factor(manifest);
    const std::int64_t channels = manifest.unet->in_channels;
    const Guidance guidance = guidance_for(manifest, settings);
    const DiffusionSchedule schedule(manifest.schedule);
    const SamplerOptions options{timestep_spacing_from_name(settings.spacing), 1, settings.eta};
    const auto on_device = at::TensorOptions().device(target.device).dtype(at::kFloat);
    const at::Tensor unconditional = unconditional_tokens(manifest.conditioning, manifest.unet->context_dim);

    std::vector<std::unique_ptr<Sampler>> samplers;
    std::vector<at::Generator> generators;
    std::vector<at::Tensor> states, conditions;
    std::size_t first_step = 0;
    for (const auto& cell : cells) {
        if (cell.condition.dim() != 2 || cell.condition.sizes() != unconditional.sizes())
            throw InputError("A cell's condition must have one " + std::to_string(unconditional.size(1)) + "-wide row per token.");
        auto& sampler = samplers.emplace_back(make_sampler(settings.sampler, schedule, options));
        sampler->set_timesteps(settings.steps);
        auto& generator = generators.emplace_back(at::make_generator<at::CPUGeneratorImpl>(cell.seed));
        const at::Tensor noise = at::randn({1, channels, side, side}, generator, at::TensorOptions().dtype(at::kFloat)).to(on_device);
        conditions.push_back(cell.condition.to(at::kFloat));
        if (!cell.init_image.defined()) {
            if (settings.strength < 1.0) throw InputError("A strength below 1 needs a photo to start from (SDEdit).");
            states.push_back(sampler->scale_initial_noise(noise));
            continue;
        }
        if (cell.init_image.sizes() != at::IntArrayRef({1, 3, resolution, resolution}))
            throw InputError("SDEdit's start image must be " + std::to_string(resolution) + " px square.");
        first_step = sdedit_start_index(*sampler, settings.strength);
        if (first_step == sampler->timesteps().size()) {
            states.push_back(at::Tensor());  // nothing to denoise; the photo is returned as it is
            continue;
        }
        const at::Tensor image = cell.init_image.to(on_device);
        const at::Tensor start = networks.vae ? networks.vae->encode(image) : image;
        states.push_back(sampler->add_noise(start, noise, first_step));
    }

    const std::int64_t batch = static_cast<std::int64_t>(cells.size());
    const at::Tensor contexts =
        guidance.contexts(at::stack(conditions), unconditional.unsqueeze(0).expand({batch, -1, -1}).contiguous())
            .to(target.device, target.dtype);
    const std::vector<double>& timesteps = samplers.front()->timesteps();
    const auto loop_started = Clock::now();
    for (std::size_t i = first_step; i < timesteps.size(); ++i) {
        if (stop.stop_requested()) throw Cancelled();
        std::vector<at::Tensor> inputs;
        for (std::size_t k = 0; k < cells.size(); ++k) inputs.push_back(samplers[k]->scale_model_input(states[k], i));
        const at::Tensor input = at::cat(inputs);
        std::vector<at::Tensor> passes(static_cast<std::size_t>(guidance.passes()), input);
        const at::Tensor t = at::full({1}, timesteps[i], on_device);
        const auto unet_started = Clock::now();
        at::Tensor eps = networks.unet->forward(at::cat(passes), t, contexts);
        if (stats) {
            synchronize(target);
            stats->unet_seconds += seconds_since(unet_started);
            ++stats->unet_calls;
        }
        eps = guidance.combine(eps).to(at::kFloat);
        for (std::size_t k = 0; k < cells.size(); ++k)
            states[k] = samplers[k]->step(eps.narrow(0, static_cast<std::int64_t>(k), 1), i, states[k], generators[k]);
        if (on_step) on_step(i + 1 - first_step, timesteps.size() - first_step);
    }
    if (stats) {
        synchronize(target);
        stats->loop_seconds += seconds_since(loop_started);
    }

    // The UNet is done with this batch, and the decoder's activations at full resolution are the
    // largest of the whole job: the UNet's weights leave memory while it decodes (they stay in the page
    // cache; faulting them back in costs well under a second against seconds per UNet call), and the
    // decoder's, with what its activations left on the heap, before the next batch's UNet runs.
    // Weights not mapped from a file stay put, and so do all when the job keeps its weights resident.
    const bool streamed = target.residency == WeightResidency::Streamed;
    if (streamed) release_network_memory(*networks.unet);
    std::vector<at::Tensor> images;
    for (std::size_t k = 0; k < cells.size(); ++k) {
        if (first_step == timesteps.size() && cells[k].init_image.defined()) {
            // Strength 0 runs no step: the photo itself, not its trip through the autoencoder.
            images.push_back(cells[k].init_image.to(at::kFloat).cpu());
            continue;
        }
        if (stop.stop_requested()) throw Cancelled();
        const at::Tensor image = networks.vae ? networks.vae->decode(states[k]) : states[k];
        images.push_back(image.to(at::kFloat).clamp(-1.0, 1.0).cpu());
    }
    if (streamed && networks.vae) release_network_memory(*networks.vae);
    if (stats) stats->total_seconds += seconds_since(started);
    return images;
}

}  // namespace facemix
