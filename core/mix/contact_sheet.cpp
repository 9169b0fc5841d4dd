#include "mix/contact_sheet.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include <opencv2/imgproc.hpp>

namespace facemix {
namespace {

cv::Mat to_bgr8(const cv::Mat& image) {
    if (image.depth() != CV_8U) throw std::invalid_argument("a contact sheet takes 8-bit images");
    cv::Mat bgr;
    switch (image.channels()) {
        case 1: cv::cvtColor(image, bgr, cv::COLOR_GRAY2BGR); break;
        case 3: bgr = image; break;
        case 4: cv::cvtColor(image, bgr, cv::COLOR_BGRA2BGR); break;
        default: throw std::invalid_argument("a contact sheet takes grey, BGR or BGRA images");
    }
    return bgr;
}

void check_sheet_size(std::int64_t width, std::int64_t height, const char* what) {
    if (width > kMaxSheetSide || height > kMaxSheetSide)
        throw InputError("the " + std::string(what) + " would be " + std::to_string(width) + "x" +
                         std::to_string(height) + " pixels, more than the " + std::to_string(kMaxSheetSide) +
                         " px per side it may have");
}

// Fits `image` into `tile` (a square view into the sheet) keeping its aspect, centred.
void draw_fitted(const cv::Mat& image, cv::Mat tile) {
    const cv::Mat bgr = to_bgr8(image);
    const double scale = std::min(static_cast<double>(tile.cols) / bgr.cols, static_cast<double>(tile.rows) / bgr.rows);
    const int width = std::clamp(static_cast<int>(std::lround(bgr.cols * scale)), 1, tile.cols);
    const int height = std::clamp(static_cast<int>(std::lround(bgr.rows * scale)), 1, tile.rows);
    const cv::Rect where((tile.cols - width) / 2, (tile.rows - height) / 2, width, height);
    if (bgr.size() == where.size())
        bgr.copyTo(tile(where));
    else
        cv::resize(bgr, tile(where), where.size(), 0, 0, cv::INTER_AREA);
}

// A grey tile with a short word in the middle, scaled to the tile; tiles too small to read it stay plain.
void draw_missing(cv::Mat tile, std::string_view label) {
    tile.setTo(cv::Scalar(kMissingCellGrey[0], kMissingCellGrey[1], kMissingCellGrey[2]));
    if (label.empty()) return;
    const std::string text(label);
    const int font = cv::FONT_HERSHEY_SIMPLEX;
    int baseline = 0;
    const cv::Size unit = cv::getTextSize(text, font, 1.0, 1, &baseline);
    const double scale = std::min(1.0, 0.8 * tile.cols / unit.width);
    if (unit.height * scale < 6) return;
    const int thickness = std::max(1, static_cast<int>(std::lround(scale * 2)));
    const cv::Size size = cv::getTextSize(text, font, scale, thickness, &baseline);
    const cv::Point origin((tile.cols - size.width) / 2, (tile.rows + size.height) / 2);
    cv::putText(tile, text, origin, font, scale, cv::Scalar(48, 48, 48), thickness, cv::LINE_AA);
}

// One line of dark text centred in `strip`, shrunk until it fits its width.
void draw_caption(cv::Mat strip, const std::string& text) {
    if (text.empty()) return;
    const int font = cv::FONT_HERSHEY_SIMPLEX;
    int baseline = 0;
    const cv::Size unit = cv::getTextSize(text, font, 1.0, 1, &baseline);
    const double scale = std::min(0.7 * strip.rows / unit.height, 0.95 * strip.cols / unit.width);
    const cv::Size size = cv::getTextSize(text, font, scale, 1, &baseline);
    const cv::Point origin((strip.cols - size.width) / 2, (strip.rows + size.height) / 2);
    cv::putText(strip, text, origin, font, scale, cv::Scalar(32, 32, 32), 1, cv::LINE_AA);
}

cv::Mat blank_sheet(std::int64_t width, std::int64_t height) {
    return cv::Mat(static_cast<int>(height), static_cast<int>(width), CV_8UC3,
                   cv::Scalar(kSheetBackground[0], kSheetBackground[1], kSheetBackground[2]));
}

}  // namespace

cv::Mat contact_sheet(const std::vector<cv::Mat>& face_thumbs, const std::vector<cv::Mat>& background_thumbs,
                      const std::vector<std::vector<std::optional<cv::Mat>>>& cells, int tile_px, int gap_px,
                      std::string_view missing_label) {
    if (tile_px < 1) throw InputError("the contact sheet tile size must be at least 1 px, not " + std::to_string(tile_px));
    if (gap_px < 0) throw InputError("the contact sheet gap must not be negative (" + std::to_string(gap_px) + " px)");
    const std::size_t rows = face_thumbs.size();
    const std::size_t cols = background_thumbs.size();
    if (cells.size() != rows) throw std::invalid_argument("a contact sheet needs one row of cells per face");
    for (const auto& row : cells)
        if (row.size() != cols) throw std::invalid_argument("a contact sheet needs one cell per background in each row");
    const std::int64_t step = std::int64_t{tile_px} + gap_px;
    const auto extent = [&](std::size_t count) { return static_cast<std::int64_t>(count + 1) * tile_px + static_cast<std::int64_t>(count) * gap_px; };
    // Counts beyond the side limit would overflow the extent arithmetic; they are refused anyway.
    if (rows > static_cast<std::size_t>(kMaxSheetSide) || cols > static_cast<std::size_t>(kMaxSheetSide))
        throw InputError("the contact sheet would have " + std::to_string(rows) + "x" + std::to_string(cols) +
                         " cells, more than it can show");
    check_sheet_size(extent(cols), extent(rows), "contact sheet");
    cv::Mat sheet = blank_sheet(extent(cols), extent(rows));
    const auto tile = [&](std::size_t row, std::size_t col) {
        return sheet(cv::Rect(static_cast<int>(static_cast<std::int64_t>(col) * step),
                              static_cast<int>(static_cast<std::int64_t>(row) * step), tile_px, tile_px));
    };
    const auto draw = [&](const cv::Mat* image, cv::Mat where, std::string_view label) {
        if (image && !image->empty())
            draw_fitted(*image, where);
        else
            draw_missing(where, label);
    };
    for (std::size_t c = 0; c < cols; ++c) draw(&background_thumbs[c], tile(0, c + 1), "");
    for (std::size_t r = 0; r < rows; ++r) {
        draw(&face_thumbs[r], tile(r + 1, 0), "");
        for (std::size_t c = 0; c < cols; ++c)
            draw(cells[r][c] ? &*cells[r][c] : nullptr, tile(r + 1, c + 1), missing_label);
    }
    return sheet;
}

int caption_height(int tile_px) { return std::max(16, tile_px / 8); }

cv::Mat captioned_sheet(const std::vector<cv::Mat>& tiles, const std::vector<std::string>& captions, std::size_t columns,
                        int tile_px, int gap_px, std::string_view missing_label) {
    if (tile_px < 1) throw InputError("the sheet tile size must be at least 1 px, not " + std::to_string(tile_px));
    if (gap_px < 0) throw InputError("the sheet gap must not be negative (" + std::to_string(gap_px) + " px)");
    if (columns < 1) throw InputError("a captioned sheet needs at least one column");
    if (captions.size() != tiles.size()) throw std::invalid_argument("a captioned sheet needs one caption per tile");
    if (tiles.size() > static_cast<std::size_t>(kMaxSheetSide) * kMaxSheetSide)
        throw InputError("a sheet of " + std::to_string(tiles.size()) + " tiles is more than it can show");
    const std::size_t shown_columns = std::max<std::size_t>(1, std::min(columns, tiles.size()));
    const std::size_t rows = tiles.empty() ? 1 : (tiles.size() + shown_columns - 1) / shown_columns;
    if (shown_columns > static_cast<std::size_t>(kMaxSheetSide) || rows > static_cast<std::size_t>(kMaxSheetSide))
        throw InputError("a sheet of " + std::to_string(tiles.size()) + " tiles is more than it can show");
    const std::int64_t cell_height = std::int64_t{tile_px} + caption_height(tile_px);
    const std::int64_t width = static_cast<std::int64_t>(shown_columns) * (tile_px + gap_px) - gap_px;
    const std::int64_t height = static_cast<std::int64_t>(rows) * (cell_height + gap_px) - gap_px;
    check_sheet_size(width, height, "captioned sheet");
    cv::Mat sheet = blank_sheet(width, height);
    for (std::size_t i = 0; i < tiles.size(); ++i) {
        const int x = static_cast<int>(static_cast<std::int64_t>(i % shown_columns) * (tile_px + gap_px));
        const int y = static_cast<int>(static_cast<std::int64_t>(i / shown_columns) * (cell_height + gap_px));
        cv::Mat tile = sheet(cv::Rect(x, y, tile_px, tile_px));
        if (tiles[i].empty())
            draw_missing(tile, missing_label);
        else
            draw_fitted(tiles[i], tile);
        draw_caption(sheet(cv::Rect(x, y + tile_px, tile_px, caption_height(tile_px))), captions[i]);
    }
    return sheet;
}

cv::Mat image_strip(const std::vector<cv::Mat>& frames, int gap_px) {
    if (gap_px < 0) throw InputError("the image strip gap must not be negative (" + std::to_string(gap_px) + " px)");
    if (frames.empty()) throw std::invalid_argument("an image strip needs at least one frame");
    const cv::Size size = frames.front().size();
    for (const cv::Mat& frame : frames)
        if (frame.empty() || frame.size() != size) throw std::invalid_argument("the frames of an image strip must share one size");
    if (frames.size() > static_cast<std::size_t>(kMaxSheetSide))
        throw InputError("an image strip of " + std::to_string(frames.size()) + " frames is more than it can show");
    const auto count = static_cast<std::int64_t>(frames.size());
    const std::int64_t width = count * size.width + (count - 1) * gap_px;
    check_sheet_size(width, size.height, "image strip");
    cv::Mat strip = blank_sheet(width, size.height);
    for (std::int64_t i = 0; i < count; ++i) {
        const int x = static_cast<int>(i * (size.width + std::int64_t{gap_px}));
        to_bgr8(frames[static_cast<std::size_t>(i)]).copyTo(strip(cv::Rect(x, 0, size.width, size.height)));
    }
    return strip;
}

}  // namespace facemix
