#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>

#include "bundle/model_bundle.h"
#include "mix/compute_target.h"
#include "train/data_parallel.h"
#include "train/face_pair_dataset.h"
#include "train/train_config.h"

namespace facemix {

// What the loop reports after each optimizer step.
struct TrainStepReport {
    std::int64_t step = 0;   // steps done, 1-based
    std::int64_t steps = 0;  // config.steps
    double loss = 0.0;       // mean over the step's micro-batches
    double lr = 0.0;
    double seconds = 0.0;    // training time of the whole run so far, resumes included
};

struct TrainCallbacks {
    std::function<void(const TrainStepReport&)> on_step;
    std::function<void(const std::filesystem::path&)> on_sample;      // a grid PNG was written
    std::function<void(const std::filesystem::path&)> on_checkpoint;  // the bundle was written
};

// How a run starts and computes, beyond its recipe.
struct TrainerOptions {
    // A facemix SD bundle (VAE, image encoder, UNet) to fine-tune in latent space instead of training a
    // pixel-space model from scratch; the config's architecture is then ignored for the bundle's.
    std::filesystem::path init;
    // With `init`: a folder where the frozen networks' latents and tokens of the dataset are computed
    // once and read after (LatentCache); empty = computed for every batch.
    std::filesystem::path cache;
    // Recompute each UNet block in the backward pass instead of keeping its activations (less memory,
    // about one more forward pass of time); the gradients are the same.
    bool checkpointing = false;
};

// The face-mixer objective on a FacePairDataset, from scratch, on the CPU or a GPU:
//   t ~ U{0..T-1}, ε ~ N(0, I), x_t = sqrt(ᾱ_t) x0 + sqrt(1 − ᾱ_t) ε,
//   context = [encoder(face crop of the face source), encoder(masked background of x0)] (token layout
//   of the manifest), zeroed as a whole with probability cond_dropout (the CFG unconditional),
//   loss = ‖UNet(x_t, t, context) − ε‖²  (mean), UNet and encoder trained jointly.
// AdamW with linear warm-up then a constant or cosine learning rate, optional clipping of the gradients'
// global norm, EMA of the weights (what the bundle gets), gradient accumulation.
// Fine-tuning (options.init) starts from a bundle's UNet and trains it in latent space: x0 is the frozen
// VAE's latent of the target (LatentTarget), the tokens come from the bundle's frozen encoder (no
// gradients, never in the optimizer), and the bundle written has the init's VAE and encoder unchanged.
// Every draw (initial weights, batches, retrieval, noise, t, dropout) comes from a generator seeded
// by (seed, step, micro-batch), so the RNG state of a run is its step, and a resumed run continues
// bit-identically on the same machine and thread count.
//
// The run folder holds config.json, loss.csv (step,loss,lr,seconds), loss.png (its curve, redrawn at
// every checkpoint), model.safetensors (a facemix bundle of the EMA weights, ready for MixEngine),
// trainer_state.safetensors (raw weights, EMA, AdamW moments, step, config) and
// samples/step_NNNNNNN.png (2 × 2 grids of held-out identities).
class Trainer {
public:
    // Opens the dataset and either starts fresh or, when `run` holds a trainer state, resumes it. A
    // state made with another config (anything but the number of steps) is refused with InputError.
    // `command` goes into the bundle's provenance.
    // `target`: where the networks train (fp32 master weights there); a bf16 target trains under
    // autocast. Every random draw is made on the CPU, so a seed gives the same batches everywhere.
    // `options`: a fine-tune of an SD bundle (resumed only from the same init bundle, InputError
    // otherwise), its latent cache, gradient checkpointing.
    // `parallel`: the ranks this one trains with. Each draws the whole global batch (config.batch) and
    // trains on its rows; their averaged gradients make every rank take the step one rank would, so
    // the state on disk, written by rank 0 alone, does not depend on the number of ranks.
    Trainer(TrainConfig config, const std::filesystem::path& data, const std::filesystem::path& run, std::string command = {},
            ComputeTarget target = {}, const TrainerOptions& options = {}, DataParallel parallel = {});
    ~Trainer();
    Trainer(const Trainer&) = delete;
    Trainer& operator=(const Trainer&) = delete;

    const TrainConfig& config() const;
    const FacePairDataset& dataset() const;
    std::int64_t step() const;  // optimizer steps done
    bool resumed() const;

    // Trains until config.steps, sampling and checkpointing as configured, and checkpoints and samples
    // at the end. A stop request ends it after the current step: it checkpoints, then throws Cancelled.
    void train(const TrainCallbacks& callbacks, std::stop_token stop);

    // One optimizer step (all micro-batches); its mean loss. Appends to loss.csv.
    TrainStepReport train_step();

    // The ε-MSE of the current (raw) weights on a batch and noise fixed by the seed alone, no dropout:
    // comparable across steps and runs.
    double evaluation_loss(std::int64_t batch = 16) const;

    void save_checkpoint();                    // model.safetensors + trainer_state.safetensors
    std::filesystem::path write_sample_grid(); // samples/step_NNNNNNN.png from the EMA weights
    ModelBundle ema_bundle() const;            // the manifest (at the dataset's resolution) + EMA weights
    TensorMap weights() const;                 // the raw weights, "unet.*", "encoder.*" (and "vae.*" of a fine-tune), copies

    static std::filesystem::path bundle_path(const std::filesystem::path& run);
    static std::filesystem::path state_path(const std::filesystem::path& run);

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace facemix
