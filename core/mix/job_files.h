#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace facemix {

// How a job's results are named and laid out as files: the same for `facemix mix`, `interpolate` and
// `eval`, the studio's exports and the trainer's sample sheets, so a folder from one reads like a
// folder from another.

inline constexpr int kSheetTilePx = 256;  // a source or cell tile of a contact sheet
inline constexpr int kSheetGapPx = 4;     // between tiles of sheets and strips
inline constexpr int kFrameMilliseconds = 125;  // an interpolation animation's frame, unless asked otherwise

// "r01c02_<face stem>_x_<background stem>.png" for row 0, column 1: the place first, so a folder lists
// in grid order, then what was mixed.
std::string grid_cell_file_name(std::size_t row, std::size_t column, const std::string& face_file,
                                const std::string& background_file);
// "frame_001.png" for frame 0 of an interpolation.
std::string frame_file_name(std::size_t frame);

// Writes the face × background sheet (mix/contact_sheet.h) of these aligned sources and cells
// atomically; a cell without an image is a grey tile labelled `missing_label`.
void write_contact_sheet(const std::filesystem::path& path, const std::vector<cv::Mat>& faces,
                         const std::vector<cv::Mat>& backgrounds,
                         const std::vector<std::vector<std::optional<cv::Mat>>>& cells, std::string_view missing_label,
                         int tile_px = kSheetTilePx);

struct StripFiles {
    std::filesystem::path strip;      // "<stem>_strip.png": the frames side by side
    std::filesystem::path animation;  // "<stem>_animation.png": the frames as an animated PNG
};
// Writes both files of these frames (in order, of one size) into `folder`, each atomically.
StripFiles write_strip_and_animation(const std::filesystem::path& folder, const std::string& stem,
                                     const std::vector<cv::Mat>& frames, int frame_ms = kFrameMilliseconds);

}  // namespace facemix
