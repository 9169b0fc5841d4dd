#include "mix/mix_engine.h"

#include <optional>

#include <ATen/core/grad_mode.h>
#include <ATen/ops/from_blob.h>
#include <ATen/ops/stack.h>
#include <ATen/ops/zeros.h>
#include <opencv2/imgproc.hpp>
#include <torch/headeronly/version.h>
#include <torch/nn/module.h>

#include "bundle/model_hash.h"
#include "common/error.h"
#include "common/one_intra_op_thread.h"
#include "mix/cell_failure.h"
#include "nn/autoencoder_kl.h"
#include "nn/clip_vision.h"
#include "nn/descriptor_projection.h"
#include "nn/load_weights.h"
#include "nn/resident_memory.h"
#include "nn/unet.h"
#include "tensor/image_tensor.h"

namespace facemix {

namespace {

// Below this many UNet weights a job runs on one intra-op thread. The default model's UNet (about a
// million weights) runs each op in microseconds: a second OpenMP thread only adds synchronisation, and
// on a busy machine its spin-waiting made the studio's steps many times slower (bench mix measures
// both). SD-sized networks use every core.
constexpr std::int64_t kOneThreadUNetWeights = 20'000'000;

// The bytes of weights the engine's networks hold: what keeping them all resident costs.
std::int64_t weight_bytes(const ModelNetworks& networks) {
    std::int64_t bytes = 0;
    for (const torch::nn::Module* network : networks.present())
        for (const auto& [name, weight] : module_weights(*network)) bytes += weight.numel() * static_cast<std::int64_t>(weight.element_size());
    return bytes;
}

const MixSource& source_at(const std::vector<MixSource>& sources, std::size_t index, const char* group) {
    if (index >= sources.size())
        throw InputError(std::string("A cell asks for ") + group + " " + std::to_string(index + 1) + " of " +
                         std::to_string(sources.size()) + ".");
    return sources[index];
}

at::Tensor start_image(const cv::Mat& aligned, std::int64_t resolution) {
    if (aligned.empty() || aligned.type() != CV_8UC3 || aligned.rows != aligned.cols)
        throw InputError("SDEdit's start photo must be an aligned, square 8-bit colour image.");
    cv::Mat resized;
    const int size = static_cast<int>(resolution);
    cv::resize(aligned, resized, {size, size}, 0, 0, aligned.rows > size ? cv::INTER_AREA : cv::INTER_CUBIC);
    return image_to_tensor(resized);
}

}  // namespace

MixEngine::MixEngine(const ModelBundle& bundle, std::string model_name, ComputeTarget target)
    : manifest_(bundle.manifest), model_name_(std::move(model_name)), model_hash_(facemix::model_hash(bundle)), target_(target) {
    if (!manifest_.unet) throw InputError(model_name_ + " has no UNet, so it cannot generate images.");
    if (!manifest_.encoder) throw InputError(model_name_ + " has no image encoder, so it cannot embed faces.");
    if (manifest_.encoder->projection_dim != manifest_.unet->context_dim)
        throw InputError(model_name_ + "'s encoder makes " + std::to_string(manifest_.encoder->projection_dim) +
                         "-wide embeddings but its UNet attends to " + std::to_string(manifest_.unet->context_dim) + "-wide tokens.");
    if (manifest_.face_projection && manifest_.face_projection->output_dim != manifest_.unet->context_dim)
        throw InputError(model_name_ + "'s face projection makes " + std::to_string(manifest_.face_projection->output_dim) +
                         "-wide tokens but its UNet attends to " + std::to_string(manifest_.unet->context_dim) + "-wide tokens.");
    layout_ = token_layout(manifest_.conditioning);
    unconditional_tokens(manifest_.conditioning, manifest_.unet->context_dim);
    // The engine never changes its weights, so its networks hold the bundle's own tensors.
    networks_ = build_networks(bundle, model_name_, target_.dtype, WeightTransfer::Share);
    networks_.unet->to(target_.device);
    if (networks_.vae) networks_.vae->to(target_.device);
    networks_.encoder->to(target_.device);
    if (networks_.face_projection) networks_.face_projection->to(target_.device);
    one_thread_ = one_thread_for(*networks_.unet, target_);
    target_.residency = resolve_weight_residency(target_.residency, target_.device.is_cpu(), weight_bytes(networks_),
                                                 available_memory_bytes());
    embedder_ = std::make_unique<SourceEmbedder>(networks_.encoder, manifest_.conditioning, target_, networks_.face_projection);
    const bool streamed = target_.residency == WeightResidency::Streamed;
    networks_.unet->set_weight_streaming(streamed);
    // Resident weights come in now, with the model, rather than page by page in the first cell's calls.
    if (!streamed)
        for (const torch::nn::Module* network : networks_.present()) prefetch_weight_pages(*network);
}

bool MixEngine::one_thread_for(const UNet& unet, const ComputeTarget& target) {
    if (!target.device.is_cpu()) return false;
    std::int64_t weights = 0;
    for (const auto& parameter : unet.parameters()) weights += parameter.numel();
    return weights < kOneThreadUNetWeights;
}

at::Tensor MixEngine::condition_for(const MixJob& job, const CellRequest& cell) {
    const std::vector<TokenSpec>& layout = layout_;
    if (!job.token_weights.empty() && job.token_weights.size() != layout.size())
        throw InputError("The model has " + std::to_string(layout.size()) + " condition tokens but " +
                         std::to_string(job.token_weights.size()) + " token weights were given.");
    std::vector<at::Tensor> tokens;
    for (std::size_t k = 0; k < layout.size(); ++k) {
        const TokenSpec& token = layout[k];
        at::Tensor embedding;
        if (token.role == TokenRole::Unused) {
            embedding = at::zeros({manifest_.unet->context_dim});
        } else {
            const bool face = token.role == TokenRole::Face;
            const auto& sources = face ? job.faces : job.backgrounds;
            const Blend& blend = face ? cell.face : cell.background;
            const char* group = face ? "face" : "background";
            embedding = embedder_->embed(source_at(sources, blend.from, group).photos(), token.part);
            if (!blend.single())
                embedding = interpolate(embedding, embedder_->embed(source_at(sources, blend.to, group).photos(), token.part),
                                        blend.t, blend.method);
        }
        tokens.push_back(embedding * (job.token_weights.empty() ? 1.0 : job.token_weights[k]));
    }
    return at::stack(tokens);
}

Recipe MixEngine::recipe_for(const MixJob& job, const CellRequest& cell, const at::Tensor& condition,
                              std::size_t batch_cells) const {
    const auto blend_record = [](const std::vector<MixSource>& sources, const Blend& blend) {
        BlendRecord record;
        if (sources.empty()) return record;
        record.sources.push_back(sources.at(blend.from).record());
        if (!blend.single()) {
            record.sources.push_back(sources.at(blend.to).record());
            record.t = blend.t;
        }
        record.method = interpolation_name(blend.method);
        return record;
    };
    Recipe recipe;
    recipe.facemix_version = FACEMIX_VERSION;
    recipe.torch_version = TORCH_VERSION;
    recipe.model_name = model_name_;
    recipe.model_hash = model_hash_;
    recipe.face = blend_record(job.faces, cell.face);
    recipe.background = blend_record(job.backgrounds, cell.background);
    recipe.token_weights = job.token_weights.empty() ? std::vector<double>(manifest_.conditioning.tokens.size(), 1.0) : job.token_weights;
    recipe.seed = cell.seed;
    recipe.settings = job.settings;
    if (job.init) recipe.init = job.init->record();
    recipe.token_names = manifest_.conditioning.tokens;
    const at::Tensor values = condition.to(at::kFloat).contiguous();
    recipe.condition.assign(values.data_ptr<float>(), values.data_ptr<float>() + values.numel());
    recipe.device = target_.device.str();
    recipe.precision = precision_name(target_.dtype);
    recipe.batch_cells = batch_cells;
    return recipe;
}

void MixEngine::run(const MixJob& job, const MixCallbacks& callbacks, std::stop_token stop, SamplingStats* stats) {
    at::NoGradGuard no_grad;
    std::optional<OneIntraOpThread> one_thread;
    if (runs_on_one_thread()) one_thread.emplace();
    const std::int64_t resolution = output_resolution(manifest_, job.settings);
    check_sampling_settings(job.settings, manifest_.schedule);
    const at::Tensor init = job.init ? start_image(job.init->aligned, resolution) : at::Tensor();
    const std::size_t batch_cells = std::max<std::size_t>(1, job.batch_cells);
    JobProgress progress{0, job.cells.size(), 0, 0, 0};
    const auto report = [&](CellResult result) {
        ++progress.cells_done;
        if (callbacks.on_cell) callbacks.on_cell(result);
        if (callbacks.on_progress) callbacks.on_progress(progress);
    };
    const auto fail = [&](const CellRequest& cell, const std::string& error) {
        CellResult result;
        result.request = cell;
        result.error = error;
        report(std::move(result));
    };

    // Every cell's condition first, so the image encoder's weights can leave memory before the UNet's
    // are read: the whole model need not be resident at once.
    std::vector<CellRequest> ready;
    std::vector<at::Tensor> conditions;
    for (const CellRequest& cell : job.cells) {
        if (stop.stop_requested()) throw Cancelled();
        try {
            conditions.push_back(condition_for(job, cell));
            ready.push_back(cell);
        } catch (const Cancelled&) {
            throw;
        } catch (const std::exception& error) {
            fail(cell, cell_failure_words(error, target_));
        }
    }
    if (target_.residency == WeightResidency::Streamed) release_network_memory(*networks_.encoder);

    for (std::size_t begin = 0; begin < ready.size(); begin += batch_cells) {
        if (stop.stop_requested()) throw Cancelled();
        const std::size_t end = std::min(begin + batch_cells, ready.size());
        const std::vector<CellRequest> batch(ready.begin() + static_cast<std::ptrdiff_t>(begin), ready.begin() + static_cast<std::ptrdiff_t>(end));
        std::vector<CellInput> inputs;
        for (std::size_t k = begin; k < end; ++k) inputs.push_back({conditions[k], ready[k].seed, init});
        // Sampling failures are the cell's; the callbacks run outside the try, so a cell that cannot be
        // written (a full disk) stops the job there instead of being sampled again alone and failing again.
        const auto sample = [&](const std::vector<std::size_t>& members) {
            std::vector<CellInput> group;
            for (const auto k : members) group.push_back(inputs[k]);
            progress.batch_cells = group.size();
            const auto on_step = [&](std::size_t done, std::size_t total) {
                progress.step = done;
                progress.steps = total;
                if (callbacks.on_progress) callbacks.on_progress(progress);
            };
            const std::vector<at::Tensor> images = sample_cells(networks_, manifest_, target_, group, job.settings, on_step, stop, stats);
            progress.step = 0;
            std::vector<CellResult> results;
            for (std::size_t i = 0; i < members.size(); ++i) {
                const auto k = members[i];
                results.push_back({batch[k], tensor_to_image(images[i]), recipe_for(job, batch[k], inputs[k].condition, members.size()), {}});
            }
            return results;
        };
        std::vector<std::size_t> all(batch.size());
        for (std::size_t k = 0; k < all.size(); ++k) all[k] = k;
        std::vector<CellResult> finished;
        try {
            finished = sample(all);
        } catch (const Cancelled&) {
            throw;
        } catch (const std::exception& error) {
            if (all.size() == 1) {
                fail(batch.front(), cell_failure_words(error, target_));
                continue;
            }
            // Retry one by one: one bad cell (or a batch too large for memory) must not take the others down.
            for (const auto k : all) {
                std::vector<CellResult> alone;
                try {
                    alone = sample({k});
                } catch (const Cancelled&) {
                    throw;
                } catch (const std::exception& single_error) {
                    fail(batch[k], cell_failure_words(single_error, target_));
                    continue;
                }
                report(std::move(alone.front()));
            }
            continue;
        }
        for (auto& result : finished) report(std::move(result));
    }
    // Each network hands its pages back after its phase, but a page fault maps the pages about it that
    // the page cache holds (the kernel's fault-around, 64 KiB by default), so the UNet's and the
    // decoder's faults bring a neighbouring network's first and last pages back: a streamed job ends with
    // none of them in the process.
    if (target_.residency == WeightResidency::Streamed)
        for (const torch::nn::Module* network : networks_.present()) release_weight_pages(*network);
}

cv::Mat MixEngine::replay(const Recipe& recipe, const cv::Mat& init, std::stop_token stop) {
    if (recipe.model_hash != model_hash_)
        throw InputError("The image was made with model " + recipe.model_name + " (hash " + recipe.model_hash.substr(0, 10) +
                         "), not with " + model_name_ + " (hash " + model_hash_.substr(0, 10) + ").");
    const auto tokens = static_cast<std::int64_t>(manifest_.conditioning.tokens.size());
    if (recipe.token_names != manifest_.conditioning.tokens ||
        static_cast<std::int64_t>(recipe.condition.size()) != tokens * manifest_.unet->context_dim)
        throw InputError("The recipe's condition tokens do not fit " + model_name_ + ".");
    check_sampling_settings(recipe.settings, manifest_.schedule);
    at::NoGradGuard no_grad;
    std::optional<OneIntraOpThread> one_thread;
    if (runs_on_one_thread()) one_thread.emplace();
    std::vector<float> values = recipe.condition;
    CellInput input{at::from_blob(values.data(), {tokens, manifest_.unet->context_dim}, at::kFloat).clone(), recipe.seed, {}};
    if (recipe.init) {
        if (init.empty()) throw InputError("The image is an SDEdit of " + recipe.init->file + ", which is needed to replay it.");
        input.init_image = start_image(init, output_resolution(manifest_, recipe.settings));
    }
    const std::vector<CellInput> batch(recipe.batch_cells, input);
    return tensor_to_image(sample_cells(networks_, manifest_, target_, batch, recipe.settings, {}, std::move(stop)).front());
}

}  // namespace facemix
