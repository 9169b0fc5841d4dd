#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "mix/interpolation.h"
#include "mix/recipe.h"
#include "mix/sampling_settings.h"
#include "mix/seed_policy.h"

namespace facemix {

// One face of one photo, aligned: the input a job embeds. A person given by several photos is the
// first of them with the others in `same_person`; its token is the weighted mean of all of theirs.
struct MixSource {
    std::string file;        // the photo's name, for people and recipes
    std::string image_hash;  // of the photo's bytes (io/content_hash.h)
    int face_index = 0;      // 0 = the largest face in the photo
    cv::Mat aligned;         // 8-bit BGR, square
    double weight = 1.0;     // its share of its person's mean, relative to the others' (> 0)
    std::vector<MixSource> same_person{};

    SourceRecord record() const;  // adds the hash of the aligned pixels
    // This photo and the others of its person, with their weights summing to 1. InputError when a
    // weight is not a positive number.
    std::vector<std::pair<cv::Mat, double>> photos() const;
};

// A token group's embedding: source `from`, or the point at t on the way to source `to`.
struct Blend {
    std::size_t from = 0;
    std::size_t to = 0;
    double t = 0.0;
    Interpolation method = Interpolation::Slerp;

    bool single() const { return from == to || t == 0.0; }
};

// One image to generate and where it goes.
struct CellRequest {
    std::size_t row = 0;
    std::size_t column = 0;
    Blend face;        // indices into MixJob::faces
    Blend background;  // indices into MixJob::backgrounds
    std::uint64_t seed = 0;
};

// A batch of cells over shared sources and settings: a grid, an interpolation, an SDEdit.
struct MixJob {
    std::vector<MixSource> faces;
    std::vector<MixSource> backgrounds;
    std::vector<CellRequest> cells;
    SamplingSettings settings;
    std::vector<double> token_weights;  // one per token; empty = all 1
    std::optional<MixSource> init;      // SDEdit: every cell starts from this photo, noised to settings.strength
    std::size_t batch_cells = 4;        // cells sampled together through one UNet call per step
};

// Every face × background pair, faces down, backgrounds across. PerCell seeds count up from `seed` in
// reading order (so adding a background column changes later cells' seeds; Fixed keeps one seed for
// all cells, which isolates the effect of the sources, as in the blog's figures).
std::vector<CellRequest> grid_cells(std::size_t faces, std::size_t backgrounds, std::uint64_t seed, SeedPolicy policy);

// `frames` cells along a path through the keyframe faces (or backgrounds) 0 … keyframes-1, all with one
// seed so only the embedding moves; the other group stays at its source 0. Cells go in row 0, column i.
enum class InterpolationAxis { Face, Background };
std::vector<CellRequest> interpolation_cells(InterpolationAxis axis, std::size_t keyframes, std::size_t frames,
                                             std::uint64_t seed, Interpolation method);

}  // namespace facemix
