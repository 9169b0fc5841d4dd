#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace facemix {

// Sheets wider or higher than this are refused: that bounds one at 2^28 pixels (768 MiB as BGR), and
// beyond it viewers and PNG writers give up anyway.
inline constexpr int kMaxSheetSide = 16384;

// The colour of the gaps and of the empty top-left corner, and of a cell with no image.
inline const cv::Vec3b kSheetBackground{255, 255, 255};
inline const cv::Vec3b kMissingCellGrey{128, 128, 128};

// The face × background grid as one BGR image, laid out like the seed figure of the method:
//
//     [ empty ] [ bg 0 ] [ bg 1 ] ...
//     [ face 0] [cell 00] [cell 01] ...
//     [ face 1] [cell 10] [cell 11] ...
//
// cells[r][c] is face r on background c; a cell without an image (nullopt or empty, e.g. a failed
// generation) is a grey tile labelled `missing_label`. Every image is fitted into a tile_px square
// (aspect kept, INTER_AREA, centred); tiles are gap_px apart, with no outer border, so the sheet is
// (backgrounds+1)*tile_px + backgrounds*gap_px wide and (faces+1)*tile_px + faces*gap_px high.
// Images may be 8-bit grey, BGR or BGRA (alpha dropped).
// Throws InputError for tile_px < 1, gap_px < 0 or a sheet over kMaxSheetSide on a side,
// std::invalid_argument when `cells` is not faces × backgrounds or an image is not 8-bit.
cv::Mat contact_sheet(const std::vector<cv::Mat>& face_thumbs, const std::vector<cv::Mat>& background_thumbs,
                      const std::vector<std::vector<std::optional<cv::Mat>>>& cells, int tile_px, int gap_px,
                      std::string_view missing_label = "failed");

// The height of the caption strip under each tile of captioned_sheet(): a line of text readable at
// every tile size a sheet uses (at least 16 px, an eighth of the tile above 128 px).
int caption_height(int tile_px);

// Tiles in reading order, `columns` to a row, each with one line of text under it (a ranked set of cells
// with their scores): tile i is at column i % columns, row i / columns, its image fitted into the tile_px
// square as in contact_sheet() and its caption centred in a caption_height() strip below, shrunk to fit.
// An empty tile is grey with `missing_label`. Throws InputError for tile_px < 1, gap_px < 0, columns < 1
// or a sheet over the limits; std::invalid_argument when captions and tiles differ in number.
cv::Mat captioned_sheet(const std::vector<cv::Mat>& tiles, const std::vector<std::string>& captions, std::size_t columns,
                        int tile_px, int gap_px, std::string_view missing_label = "failed");

// Frames of one size side by side, gap_px apart (an interpolation sweep as one still).
// Throws InputError for gap_px < 0 or a strip over the sheet limits, std::invalid_argument for no
// frames, frames of different sizes or an image that is not 8-bit.
cv::Mat image_strip(const std::vector<cv::Mat>& frames, int gap_px);

}  // namespace facemix
