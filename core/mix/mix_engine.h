#pragma once

#include <functional>
#include <memory>
#include <stop_token>
#include <string>

#include <opencv2/core/mat.hpp>

#include "bundle/model_bundle.h"
#include "bundle/model_networks.h"
#include "mix/cell_sampler.h"
#include "mix/compute_target.h"
#include "mix/mix_job.h"
#include "mix/recipe.h"
#include "mix/source_embedder.h"

namespace facemix {

class UNet;

struct CellResult {
    CellRequest request;
    cv::Mat image;      // 8-bit BGR; empty when the cell failed
    Recipe recipe;
    std::string error;  // one sentence when the cell failed

    bool ok() const { return error.empty(); }
};

struct JobProgress {
    std::size_t cells_done = 0;
    std::size_t cells_total = 0;
    std::size_t step = 0;  // of the batch being sampled
    std::size_t steps = 0;
    std::size_t batch_cells = 0;
};

struct MixCallbacks {
    std::function<void(const CellResult&)> on_cell;  // every cell, finished or failed, as soon as it is known
    std::function<void(const JobProgress&)> on_progress;
};

// A loaded model on a compute target, ready to run jobs: the core of `facemix mix` and of the studio's
// worker. One job at a time per engine; callbacks run on the calling thread.
class MixEngine {
public:
    // Builds and loads the networks (InputError when they do not fit), checks that the encoder's width
    // matches the UNet's context and the token layout is one facemix understands.
    MixEngine(const ModelBundle& bundle, std::string model_name, ComputeTarget target);

    const ModelManifest& manifest() const { return manifest_; }
    const std::string& model_name() const { return model_name_; }
    const std::string& model_hash() const { return model_hash_; }
    const ComputeTarget& target() const { return target_; }
    SourceEmbedder& embedder() { return *embedder_; }
    const ModelNetworks& networks() const { return networks_; }  // for benchmarks that time the bare networks
    // Whether jobs run on one intra-op thread: a small network on the CPU, whose ops are too short to
    // share (mix_engine.cpp says where the line is and why).
    bool runs_on_one_thread() const { return one_thread_; }

    // Runs every cell of the job, `batch_cells` at a time. A cell whose sources cannot be embedded, or
    // whose batch fails and then fails again alone, is reported with its error while the others go on.
    // Throws Cancelled when `stop` is requested (within one UNet call); cells reported before stay valid.
    // An exception from a callback (a cell that could not be written) ends the job and reaches the caller.
    // Throws InputError for settings or sources that make the whole job impossible.
    void run(const MixJob& job, const MixCallbacks& callbacks, std::stop_token stop, SamplingStats* stats = nullptr);

    // Regenerates one image from its recipe alone (its condition tokens are stored in it), in a batch of
    // the recipe's size so the same kernels run. SDEdit recipes need their start photo, aligned: `init`. Throws InputError when the recipe was made by
    // another model or does not fit this one.
    cv::Mat replay(const Recipe& recipe, const cv::Mat& init, std::stop_token stop);

private:
    at::Tensor condition_for(const MixJob& job, const CellRequest& cell);
    Recipe recipe_for(const MixJob& job, const CellRequest& cell, const at::Tensor& condition, std::size_t batch_cells) const;
    static bool one_thread_for(const UNet& unet, const ComputeTarget& target);

    ModelManifest manifest_;
    std::vector<TokenSpec> layout_;  // what each condition token embeds, from the manifest
    std::string model_name_;
    std::string model_hash_;
    ComputeTarget target_;
    ModelNetworks networks_;
    std::unique_ptr<SourceEmbedder> embedder_;
    bool one_thread_ = false;
};

}  // namespace facemix
