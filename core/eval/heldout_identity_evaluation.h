#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "identity/face_descriptor.h"

namespace facemix {

// Identity on people the model never saw: every held-out face person P mixed onto every held-out
// background person Q, each cell scored by dlib's face-recognition distance to *another* photo of P
// (kept) and of Q (leaked), between two anchors measured on the real photos of the same people: the
// ceiling (one person's two photos) and chance (two people's photos). Scene: outside the face box a cell
// should look like Q's photo, not P's.

// The goals eval.md marks as met or not.
inline constexpr double kRecoveredGoal = 0.35;
inline constexpr double kCloserToFaceGoal = 0.80;
inline constexpr double kFaceFoundGoal = 0.95;
inline constexpr double kSceneFromBackgroundGoal = 0.90;

// A chosen person's descriptors: of the photo that is mixed and of the photo cells are compared with.
struct HeldoutPersonDescriptors {
    FaceDescriptorVector source{};
    FaceDescriptorVector reference{};
};

// What was measured on one generated cell. Cells name their people by index into the face and the
// background lists.
struct HeldoutCellMeasure {
    std::size_t face = 0;
    std::size_t background = 0;
    bool generated = false;                           // false: the cell failed, there is nothing to measure
    std::optional<FaceDescriptorVector> descriptor;   // nullopt: dlib finds no face in the cell
    std::optional<double> scene_to_face;              // mean absolute pixel difference outside the face box
    std::optional<double> scene_to_background;        //   to P's and to Q's source image
};

struct HeldoutCellScore {
    std::size_t face = 0;
    std::size_t background = 0;
    bool generated = false;
    bool face_found = false;
    std::optional<double> kept;    // distance to P's reference photo
    std::optional<double> leaked;  // distance to Q's reference photo
    bool closer_to_face = false;   // kept < leaked
    bool called_face = false;      // kept < kSamePersonDistance: dlib says it is P
    std::optional<double> scene_to_face;
    std::optional<double> scene_to_background;
    bool scene_from_background = false;  // scene_to_background < scene_to_face
};

// Every share is over all cells: a failed cell or one without a face counts against each of them.
struct HeldoutFigures {
    std::vector<HeldoutCellScore> cells;
    double ceiling = 0.0;  // mean distance between a chosen person's source and reference photos
    double chance = 0.0;   // mean distance between photos of two different chosen people
    double mean_kept = 0.0;                  // a cell without a face counts as chance: it recovered nothing
    std::optional<double> mean_kept_found;   // over the cells with a face only
    std::optional<double> mean_leaked_found;
    std::optional<double> recovered;  // (chance - mean_kept) / (chance - ceiling); nullopt when chance <= ceiling
    std::size_t generated = 0, face_found = 0, closer_to_face = 0, called_face = 0, scene_from_background = 0;

    double share(std::size_t count) const { return cells.empty() ? 0.0 : static_cast<double>(count) / static_cast<double>(cells.size()); }
};

// The arithmetic, descriptors in, figures out. Needs at least two people in all (for chance); throws
// std::invalid_argument otherwise, or when a cell names a person that is not there.
HeldoutFigures heldout_identity_figures(const std::vector<HeldoutPersonDescriptors>& faces,
                                        const std::vector<HeldoutPersonDescriptors>& backgrounds,
                                        const std::vector<HeldoutCellMeasure>& cells);

// Mean absolute difference (over pixels and channels, 0-255) between a cell and a source image resized to
// the cell's size (INTER_AREA), outside the cell's face box (align/face_split.h): how much the scene looks
// like that source's.
double scene_difference(const cv::Mat& cell, const cv::Mat& source);

// Measures one cell (8-bit BGR square; empty for a failed cell): its descriptor (enlarged as
// describe_largest_face_enlarged does) and its scene differences to the face and the background source images.
HeldoutCellMeasure measure_heldout_cell(FaceDescriptor& recognizer, std::size_t face, std::size_t background, const cv::Mat& cell,
                                        const cv::Mat& face_source, const cv::Mat& background_source);

struct HeldoutReportNotes {
    bool stored_descriptors = true;     // references from prep's descriptors.safetensors, else from the aligned faces
    bool recognizer_conditions = false;  // the model's face token is the same dlib descriptor
};

// eval.md's body (the figures with their goals, the anchors, one row per cell, what the recognizer is),
// eval.csv (one row per cell, full precision) and eval.png (per face person P1, P2, ... in face_names'
// order, the mean distance of its cells to it and to their background person, with ceiling, chance and
// dlib's threshold as lines).
std::string heldout_evaluation_markdown(const HeldoutFigures& figures, const std::vector<std::string>& face_names,
                                        const std::vector<std::string>& background_names, const HeldoutReportNotes& notes);
// eval.md's comparison of the same cells made from one photo of each face person and from `photos`
// of them: each figure for both and the gain (a smaller mean distance kept is a gain).
std::string photo_count_comparison_markdown(const HeldoutFigures& one_photo, const HeldoutFigures& several, std::size_t photos);
std::string heldout_evaluation_csv(const HeldoutFigures& figures, const std::vector<std::string>& face_names,
                                   const std::vector<std::string>& background_names);
cv::Mat heldout_evaluation_plot(const HeldoutFigures& figures, const std::vector<std::string>& face_names, const std::string& title);

}  // namespace facemix
