#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "bundle/model_manifest.h"

namespace facemix {

// Everything `facemix train` needs besides the data: the architecture trained from scratch and the
// optimisation recipe. Stored in the run folder (config.json) and inside every trainer state, so a run
// says how it was made and a resume can refuse a different recipe.
struct TrainConfig {
    // A pixel-space face mixer (no VAE, UNet in/out 3 channels) whose encoder width is the UNet's
    // context width. native_resolution 0 = the dataset's image size, filled in when the data is opened.
    ModelManifest architecture;
    std::int64_t steps = 2000;             // optimizer steps
    std::int64_t batch = 16;               // images per micro-batch
    std::int64_t grad_accumulation = 1;    // micro-batches per optimizer step
    double lr = 1e-3;                      // AdamW peak learning rate
    std::int64_t warmup = 100;             // steps of linear warm-up from 0 to lr, then lr_schedule
    // After the warm-up: "constant" (lr) or "cosine" (half a cosine from lr down towards 0 at `steps`).
    std::string lr_schedule = "constant";
    double max_grad_norm = 0.0;            // clip the gradients' global L2 norm to this before each step; 0 = off
    double weight_decay = 0.01;            // AdamW's decoupled weight decay
    double ema_decay = 0.999;              // the bundle gets the EMA weights
    double cond_dropout = 0.1;             // P(both condition tokens zeroed): the unconditional case for CFG
    double face_dropout = 0.0;             // P(face token alone zeroed): what --background-scale guides with
    double background_dropout = 0.0;       // P(background token alone zeroed): what --face-scale guides with
    bool flip = false;                     // mirror targets and face sources left-right, each with P 1/2
    double retrieval_p = 0.5;              // P(face token from another render of the same identity)
    std::int64_t holdout_identities = 2;   // last identities, never trained on, used for the sample grid
    std::int64_t sample_every = 500;       // steps between sample grids (0 = only at the end)
    std::int64_t sample_steps = 20;        // DDIM steps of the sample grid
    std::int64_t checkpoint_every = 500;   // steps between checkpoints (0 = only at the end)
    std::uint64_t seed = 0;                // initial weights, data order, noise: all derived from it

    friend bool operator==(const TrainConfig&, const TrainConfig&) = default;
};

// The architecture of the real-photo presets: a 64 px pixel-space face mixer (three UNet levels, a
// small ViT for the masked background) whose face token comes from the dlib descriptor through a
// learned projection ("real64-descriptor") or from the same jointly trained encoder on the face crop
// ("real64-encoder"): the two variants of the seed's face mixers.
ModelManifest real_pixel_manifest(bool face_from_descriptor, std::int64_t resolution = 64);

// The architecture of the `tiny-pixel` preset: the "tiny" face mixer moved to pixel space (no VAE,
// 3-channel UNet), a few hundred thousand parameters, at `resolution` px (0 = the dataset's).
ModelManifest tiny_pixel_manifest(std::int64_t resolution = 0);

// A named preset ("tiny-pixel", "real64-descriptor", "real64-encoder") or the path of a JSON file. The JSON holds any of the fields above by
// name; "architecture" is a preset name or a manifest object (the bundle's "facemix" metadata form).
// Throws InputError, one sentence naming the file or key, for an unknown preset, unreadable JSON, an
// unknown key, a value out of range, or an architecture facemix cannot train (latent space, channel
// counts, encoder width).
TrainConfig load_train_config(const std::string& name_or_path);
TrainConfig train_config_from_json(const nlohmann::json& json, const std::string& what);
nlohmann::json train_config_to_json(const TrainConfig& config);

// Throws InputError naming `what` and the field for values out of range or an untrainable architecture.
void validate_train_config(const TrainConfig& config, const std::string& what);
// The same for the optimisation recipe alone: what a fine-tune, whose architecture is its bundle's, checks.
void validate_train_recipe(const TrainConfig& config, const std::string& what);

}  // namespace facemix
