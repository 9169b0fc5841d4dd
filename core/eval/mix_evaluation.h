#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "eval/trait_classifier.h"
#include "mix/mix_job.h"

namespace facemix {

// How well a face mixer keeps what it is asked to keep, measured on synthetic faces whose every trait is
// known: identity traits should come from the face source, scene traits from the background source.
// A trait classifier (eval/trait_classifier.h) reads the traits back from each generated cell.

// A synthetic source: its traits and how the model sees it (an aligned render at the model's size).
struct LabelledSource {
    std::string name;  // e.g. "heldout0003"
    IdentityTraits identity;
    SceneTraits scene;
    cv::Mat image;     // 8-bit BGR, square
};

// Faces and backgrounds are distinct held-out identities (held_out_synthetic_seed(data_seed)), never
// seen by a classifier trained on data_seed: faces are identities 0..faces-1, backgrounds the next
// `backgrounds`, all in their scene 0, rendered with synthetic_view at `resolution`.
struct SyntheticSources {
    std::vector<LabelledSource> faces;
    std::vector<LabelledSource> backgrounds;
};
SyntheticSources held_out_sources(std::uint64_t data_seed, std::size_t faces, std::size_t backgrounds, int resolution);

// The faces x backgrounds grid of those sources as a job (per-cell seeds from `seed`), ready for MixEngine.
MixJob synthetic_evaluation_job(const SyntheticSources& sources, const SamplingSettings& settings, std::uint64_t seed);

// A generated image and the sources it was asked to mix; an empty image is a failed cell.
struct EvaluatedCell {
    std::size_t face = 0;
    std::size_t background = 0;
    cv::Mat image;
};

// One trait over all cells. Each share counts the cells where the source compared with shows the trait
// (a hat's colour only where that source wears a hat).
struct TraitAgreement {
    std::string name;
    TraitGroup group = TraitGroup::Identity;
    std::size_t face_cells = 0;        // cells whose face source shows the trait
    std::size_t background_cells = 0;  // cells whose background source shows it
    double matches_face = 0.0;         // share classified as the face source's value
    double matches_background = 0.0;   // share classified as the background source's value
    double ceiling = 0.0;              // the classifier's accuracy on real held-out renders
    double chance = 0.0;               // the share of the most common value

    // What should come through (face for identity traits, background for scene traits) and what should not.
    double kept() const { return group == TraitGroup::Identity ? matches_face : matches_background; }
    double leaked() const { return group == TraitGroup::Identity ? matches_background : matches_face; }
    // Where `kept` sits between chance (0) and the ceiling (1); 0 for a trait the classifier cannot read.
    double recovered() const;
    // The classifier reads the trait at least kMinReadableMargin better than chance.
    bool readable() const { return ceiling - chance >= kMinReadableMargin; }
    static constexpr double kMinReadableMargin = 0.05;
};

struct MixEvaluation {
    std::vector<TraitAgreement> traits;  // classified_traits() order
    std::size_t cells = 0;               // generated
    std::size_t failed = 0;              // cells with no image, left out of every share

    // Means over the traits of a group.
    double mean_kept(TraitGroup group) const;
    double mean_leaked(TraitGroup group) const;
    double mean_ceiling(TraitGroup group) const;
    double mean_chance(TraitGroup group) const;
    double mean_recovered(TraitGroup group) const;  // over the readable traits only
};

// Classifies the cells and compares each trait with both sources. `ceiling` is one accuracy per
// classified trait (TraitClassifier::held_out_accuracy). Needs no model: real renders of (face identity,
// background scene) score near the ceiling, which the tests use.
MixEvaluation evaluate_cells(const TraitClassifier& classifier, const std::vector<double>& ceiling,
                             const SyntheticSources& sources, const std::vector<EvaluatedCell>& cells);

// The evaluation as a markdown table (with the per-group means below it), as CSV (one row per trait, full
// precision, what a reproduction compares) and as a grouped bar chart per trait (matches face, matches
// background, ceiling, chance), drawn with OpenCV.
std::string evaluation_markdown(const MixEvaluation& evaluation);
std::string evaluation_csv(const MixEvaluation& evaluation);
cv::Mat evaluation_plot(const MixEvaluation& evaluation, const std::string& title);

}  // namespace facemix
