#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "identity/face_descriptor.h"
#include "mix/mix_job.h"
#include "mix/seed_policy.h"

namespace facemix {

// Casting: one face tried on many backgrounds (which settings keep the person?), or one background
// given many faces (whose identity survives this setting?), ranked by how much of each cell's face
// source's identity it kept. Shared by `facemix cast` and the studio's Cast action.

enum class CastDirection {
    FaceOnBackgrounds,    // the fixed source is the face; the varied ones are backgrounds (one row)
    BackgroundWithFaces,  // the fixed source is the background; the varied ones are faces (one column)
};

// The job of a cast: `fixed` with each of `varied`, as a 1 × N grid (or N × 1), cell i being varied
// source i, with the seeds of `policy` from `seed` (Fixed gives every cell one seed, so only the source
// changes between cells). InputError when `varied` is empty.
MixJob cast_job(CastDirection direction, MixSource fixed, std::vector<MixSource> varied, std::uint64_t seed, SeedPolicy policy);

// The photos a cast tries, each as a source of its own (unlike `facemix mix`, where a folder is one
// person): files as given, and each folder's images, recursively and sorted. InputError naming a
// folder that holds no photos.
std::vector<std::filesystem::path> cast_photo_files(const std::vector<std::string>& arguments);

// Which varied source a cell of a cast_job is.
std::size_t cast_index(CastDirection direction, const CellRequest& cell);

// One cell of a cast with its score.
struct CastEntry {
    std::size_t varied = 0;         // the index of its varied source in the job
    std::string source;             // that source's file
    std::string cell_file;          // the cell's file name (mix/job_files.h's grid_cell_file_name)
    cv::Mat image;                  // 8-bit BGR; empty when the cell failed
    std::optional<float> identity;  // cosine of dlib face descriptors, cell to its face source; none: failed or no face
};

// A person's descriptor from the descriptors of their photos, each with its weight: the weighted mean of
// the photos where a face was found (their weights renormalised among themselves); none when no photo
// has one.
std::optional<FaceDescriptorVector> person_descriptor(const std::vector<std::pair<std::optional<FaceDescriptorVector>, double>>& photos);

// Scores the cells (`cells[i]` is varied source i's image, empty when it failed) by the cosine of dlib
// face descriptors between each cell and its face source (the fixed face, or the varied face of that
// cell; a person of several photos is their person_descriptor()), and sorts them best first; cells
// without a score follow in their sources' order. Descriptors come from identity/face_descriptor.h's
// describe_largest_face_enlarged, as `facemix eval` measures them. std::invalid_argument when `cells`
// does not have one entry per varied source.
std::vector<CastEntry> rank_cast(FaceDescriptor& descriptor, const MixJob& job, CastDirection direction,
                                 const std::vector<cv::Mat>& cells);

// The entries of a stopped cast whose cells it reached (`reached[i]`: varied source i's cell was made or
// failed), in their order: its sheet and table show what it finished, not the cells it never got to.
// std::invalid_argument when `reached` does not have one entry per ranked cell.
std::vector<CastEntry> reached_entries(std::vector<CastEntry> ranked, const std::vector<bool>& reached);

// "rank,cell,source,identity_cosine" and one line per entry in their order (an empty cosine for none).
std::string cast_csv(const std::vector<CastEntry>& ranked);

// The fixed source's tile (captioned "face: NAME" or "background: NAME"), then every cell in rank order
// captioned with its score ("0.812", "no face", "failed") and its varied source, `columns` to a row
// (mix/contact_sheet.h's captioned_sheet).
cv::Mat cast_sheet(const MixJob& job, CastDirection direction, const std::vector<CastEntry>& ranked, std::size_t columns = 6);

struct CastFiles {
    std::filesystem::path sheet;  // "cast_sheet.png"
    std::filesystem::path csv;    // "cast.csv"
};
// Writes the sheet and the CSV into `folder` (which must exist), each atomically.
CastFiles write_cast_files(const std::filesystem::path& folder, const MixJob& job, CastDirection direction,
                           const std::vector<CastEntry>& ranked);

}  // namespace facemix
