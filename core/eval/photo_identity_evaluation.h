#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "eval/mix_evaluation.h"
#include "identity/face_descriptor.h"

namespace facemix {

// The identity metric face-personalisation papers report, on real photos: the cosine similarity of
// dlib ResNet descriptors between each generated cell and its face source (should be high), with the
// background source's face as the reference (the person the cell should not become).

// A cell's two similarities; nullopt when dlib finds no face in the cell (or in that source).
struct PhotoCellIdentity {
    std::size_t face = 0;
    std::size_t background = 0;
    bool generated = false;                  // false: the cell failed, nothing to measure
    bool face_found = false;                 // a face was detected in the cell
    std::optional<float> to_face;            // cosine to the face source's descriptor
    std::optional<float> to_background;      // cosine to the background source's descriptor
};

struct PhotoIdentityEvaluation {
    std::vector<PhotoCellIdentity> cells;
    std::vector<bool> face_source_found;        // per face source
    std::vector<bool> background_source_found;  // per background source
    std::size_t failed = 0;                     // cells with no image
    std::size_t no_face = 0;                    // generated cells where no face was found

    // Means over the cells where both descriptors exist; nullopt when there are none.
    std::optional<double> mean_to_face() const;
    std::optional<double> mean_to_background() const;
    // Cells whose descriptor is nearer (in cosine) to the face source than to the background source.
    std::size_t nearer_to_face() const;
    std::size_t measured() const;  // cells with both similarities
};

// Describes the sources and the cells (aligned 8-bit BGR squares, any size; small ones enlarged, see
// describe_largest_face_enlarged) and pairs them up. Cells
// name their sources by index, as EvaluatedCell does for the synthetic evaluation.
PhotoIdentityEvaluation evaluate_photo_cells(FaceDescriptor& descriptor, const std::vector<cv::Mat>& face_sources,
                                             const std::vector<cv::Mat>& background_sources,
                                             const std::vector<EvaluatedCell>& cells);

// A markdown table (one row per cell, then the means and the no-face count), CSV (one row per cell),
// and a bar chart: per face source, the mean cosine of its cells to it and to their backgrounds.
std::string photo_evaluation_markdown(const PhotoIdentityEvaluation& evaluation, const std::vector<std::string>& face_names,
                                      const std::vector<std::string>& background_names);
std::string photo_evaluation_csv(const PhotoIdentityEvaluation& evaluation);
cv::Mat photo_evaluation_plot(const PhotoIdentityEvaluation& evaluation, const std::string& title);

}  // namespace facemix
