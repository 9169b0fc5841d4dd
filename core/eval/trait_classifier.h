#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "train/synthetic_face.h"

namespace facemix {

// The categorical traits of synthetic faces that the evaluation reads back from images. Continuous
// traits (face width, eye spacing, nose length, mouth width, light angle and strength, pose) are left
// out: a few pixels at 512 px are sub-pixel at the 32-64 px the classifier sees, so no label would be
// readable. hair_colour, hat_colour, glasses_colour and background_colour2 are only visible with hair, a
// hat, glasses or a patterned background: they count only on images where their gate shows them.
enum class TraitGroup { Identity, Scene };

struct ClassifiedTrait {
    std::string name;
    TraitGroup group = TraitGroup::Identity;
    std::vector<std::string> classes;
    std::string hidden_by;  // a scene trait whose value 0 hides this one (e.g. "hat"); empty when always shown
    double chance = 0.0;    // the share of the most common value: what always guessing it scores

    int label(const IdentityTraits& identity, const SceneTraits& scene) const;  // class index
    bool visible(const SceneTraits& scene) const;
};

const std::vector<ClassifiedTrait>& classified_traits();

// How the classifier, and everything it classifies, sees a synthetic face: rendered at `resolution`
// when that is 64 px or more, else rendered at 64 and shrunk with INTER_AREA (render_face draws from 32
// px, but anti-aliasing at 64 and averaging down looks like a network's output more than a 32 px
// raster does).
cv::Mat synthetic_view(const IdentityTraits& identity, const SceneTraits& scene, int resolution);

// The synthetic seed of the identities a classifier trained on `data_seed` never saw: evaluation sources
// and the ceiling come from it.
std::uint64_t held_out_synthetic_seed(std::uint64_t data_seed);

struct TraitClassifierConfig {
    int resolution = 32;         // input px (square); 32 or 64 typically, at most 64 (cells are shrunk to it)
    int width = 16;              // channels of the first convolution, doubled per stage up to 128
    std::int64_t steps = 2000;   // AdamW steps
    std::int64_t batch = 32;     // fresh renders per step
    double lr = 2e-3;
    double weight_decay = 1e-4;
    std::uint64_t data_seed = 0;  // synthetic seed of the training identities (one render each)
    std::uint64_t seed = 0;       // initial weights

    friend bool operator==(const TraitClassifierConfig&, const TraitClassifierConfig&) = default;
};

// A small CNN with one softmax head per classified trait: stages of 3x3 convolution + ReLU + 2x2 max
// pooling down to 4x4, a 256-wide hidden layer, and one linear head per trait. Trained on renders made
// on the fly (identity n of data_seed with its scene 0, a new identity every image, so it never sees
// the same face twice). CPU only, on one intra-op thread (it sets that while it runs): a measuring
// instrument of a few hundred thousand weights, deterministic.
class TraitClassifier {
public:
    explicit TraitClassifier(TraitClassifierConfig config);  // fresh weights from config.seed
    ~TraitClassifier();
    TraitClassifier(TraitClassifier&&) noexcept;
    TraitClassifier& operator=(TraitClassifier&&) noexcept;

    // A file written by save(); InputError naming it when it is not one, or was made for another
    // renderer version or trait list.
    static TraitClassifier load(const std::filesystem::path& path);
    void save(const std::filesystem::path& path) const;

    const TraitClassifierConfig& config() const;

    // Runs config.steps steps from fresh weights; `progress(step, steps, loss)` after each. A stop request
    // throws Cancelled after the current step.
    using Progress = std::function<void(std::int64_t step, std::int64_t steps, double loss)>;
    void train(const Progress& progress = {}, std::stop_token stop = {});

    // The class index of every classified trait (in classified_traits() order) for each image: square
    // 8-bit BGR of any size, shrunk (or enlarged) to config.resolution first.
    std::vector<std::vector<int>> classify(const std::vector<cv::Mat>& images) const;

    // Per trait, the share of `count` real renders of held-out identities (each with a held-out scene)
    // classified right, over the images where the trait is visible: the best an evaluation can score.
    std::vector<double> held_out_accuracy(std::int64_t count = 512) const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

// The classifier in `cache` when that file holds one with this config, else a fresh one trained now and
// written there (the cache is rewritten when the config differs).
TraitClassifier load_or_train_trait_classifier(const std::filesystem::path& cache, const TraitClassifierConfig& config,
                                               const TraitClassifier::Progress& progress = {}, std::stop_token stop = {});

}  // namespace facemix
