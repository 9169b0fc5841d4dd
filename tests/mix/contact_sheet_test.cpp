#include "common/error.h"
#include "mix/contact_sheet.h"

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

namespace facemix {
namespace {

using Cells = std::vector<std::vector<std::optional<cv::Mat>>>;

cv::Mat solid(int rows, int cols, cv::Vec3b colour) { return cv::Mat(rows, cols, CV_8UC3, cv::Scalar(colour[0], colour[1], colour[2])); }

// The tile at grid position (row, col), 0 being the thumbnail row and column.
cv::Mat tile_at(const cv::Mat& sheet, int row, int col, int tile, int gap) {
    return sheet(cv::Rect(col * (tile + gap), row * (tile + gap), tile, tile));
}

bool is_uniform(const cv::Mat& region, cv::Vec3b colour) {
    for (int y = 0; y < region.rows; ++y)
        for (int x = 0; x < region.cols; ++x)
            if (region.at<cv::Vec3b>(y, x) != colour) return false;
    return true;
}

const cv::Vec3b kRed{0, 0, 255}, kGreen{0, 255, 0}, kBlue{255, 0, 0}, kYellow{0, 255, 255}, kCyan{255, 255, 0};

TEST(ContactSheet, TilesSitWhereTheGridSays) {
    const int tile = 20, gap = 3;
    // Thumbnails arrive at other sizes than the tile; a solid colour stays exact under INTER_AREA.
    const std::vector<cv::Mat> faces = {solid(64, 64, kRed), solid(10, 10, kGreen)};
    const std::vector<cv::Mat> backgrounds = {solid(20, 20, kBlue), solid(33, 33, kYellow), solid(100, 100, kCyan)};
    Cells cells(2);
    for (int r = 0; r < 2; ++r)
        for (int c = 0; c < 3; ++c)
            cells[r].push_back(solid(50, 50, cv::Vec3b(static_cast<std::uint8_t>(10 + r), static_cast<std::uint8_t>(20 + c), 30)));
    const cv::Mat sheet = contact_sheet(faces, backgrounds, cells, tile, gap);

    ASSERT_EQ(sheet.type(), CV_8UC3);
    EXPECT_EQ(sheet.cols, 4 * tile + 3 * gap);
    EXPECT_EQ(sheet.rows, 3 * tile + 2 * gap);
    EXPECT_TRUE(is_uniform(tile_at(sheet, 0, 0, tile, gap), kSheetBackground)) << "the corner is empty";
    EXPECT_TRUE(is_uniform(tile_at(sheet, 0, 1, tile, gap), kBlue));
    EXPECT_TRUE(is_uniform(tile_at(sheet, 0, 2, tile, gap), kYellow));
    EXPECT_TRUE(is_uniform(tile_at(sheet, 0, 3, tile, gap), kCyan));
    EXPECT_TRUE(is_uniform(tile_at(sheet, 1, 0, tile, gap), kRed));
    EXPECT_TRUE(is_uniform(tile_at(sheet, 2, 0, tile, gap), kGreen));
    for (int r = 0; r < 2; ++r)
        for (int c = 0; c < 3; ++c)
            EXPECT_TRUE(is_uniform(tile_at(sheet, r + 1, c + 1, tile, gap),
                                   cv::Vec3b(static_cast<std::uint8_t>(10 + r), static_cast<std::uint8_t>(20 + c), 30)))
                << "cell " << r << "," << c;
    // The gaps between tiles, horizontal and vertical.
    EXPECT_TRUE(is_uniform(sheet(cv::Rect(tile, 0, gap, sheet.rows)), kSheetBackground));
    EXPECT_TRUE(is_uniform(sheet(cv::Rect(0, 2 * tile + gap, sheet.cols, gap)), kSheetBackground));
}

TEST(ContactSheet, FailedCellsAreLabelledGreyTiles) {
    const int tile = 64, gap = 2;
    Cells cells = {{solid(8, 8, kRed), std::nullopt}, {cv::Mat(), solid(8, 8, kBlue)}};
    const cv::Mat sheet = contact_sheet({solid(8, 8, kGreen), solid(8, 8, kGreen)}, {solid(8, 8, kCyan), solid(8, 8, kCyan)},
                                        cells, tile, gap);
    for (const auto& [r, c] : {std::pair{1, 2}, std::pair{2, 1}}) {
        SCOPED_TRACE(std::to_string(r) + "," + std::to_string(c));
        const cv::Mat cell = tile_at(sheet, r, c, tile, gap);
        EXPECT_TRUE(is_uniform(cell.rowRange(0, 8), kMissingCellGrey)) << "grey around the label";
        EXPECT_TRUE(is_uniform(cell.rowRange(tile - 8, tile), kMissingCellGrey));
        EXPECT_FALSE(is_uniform(cell, kMissingCellGrey)) << "no label drawn";
        // The label is dark text: the tile's mean drops below the grey.
        EXPECT_LT(cv::mean(cell)[0], kMissingCellGrey[0]);
    }
    EXPECT_TRUE(is_uniform(tile_at(sheet, 1, 1, tile, gap), kRed));
    EXPECT_TRUE(is_uniform(tile_at(sheet, 2, 2, tile, gap), kBlue));
    // Tiles too small to read a label stay plain grey.
    const cv::Mat small = contact_sheet({solid(8, 8, kGreen)}, {solid(8, 8, kCyan)}, {{std::nullopt}}, 6, 1);
    EXPECT_TRUE(is_uniform(tile_at(small, 1, 1, 6, 1), kMissingCellGrey));
}

TEST(ContactSheet, NonSquareThumbnailsKeepTheirAspect) {
    // 40 wide, 20 high into a 20 px tile: 20 x 10, centred, background above and below.
    const cv::Mat sheet = contact_sheet({solid(20, 40, kRed)}, {solid(20, 20, kBlue)}, {{solid(20, 20, kGreen)}}, 20, 0);
    const cv::Mat face = tile_at(sheet, 1, 0, 20, 0);
    EXPECT_TRUE(is_uniform(face.rowRange(0, 5), kSheetBackground));
    EXPECT_TRUE(is_uniform(face.rowRange(5, 15), kRed));
    EXPECT_TRUE(is_uniform(face.rowRange(15, 20), kSheetBackground));
}

TEST(ContactSheet, GreyAndAlphaThumbnailsBecomeBgr) {
    const cv::Mat grey(10, 10, CV_8UC1, cv::Scalar(90));
    const cv::Mat bgra(10, 10, CV_8UC4, cv::Scalar(1, 2, 3, 0));
    const cv::Mat sheet = contact_sheet({grey}, {bgra}, {{solid(10, 10, kRed)}}, 10, 1);
    EXPECT_TRUE(is_uniform(tile_at(sheet, 1, 0, 10, 1), cv::Vec3b(90, 90, 90)));
    EXPECT_TRUE(is_uniform(tile_at(sheet, 0, 1, 10, 1), cv::Vec3b(1, 2, 3)));
}

TEST(ContactSheet, RefusesAbsurdOrInconsistentLayouts) {
    const std::vector<cv::Mat> two = {solid(4, 4, kRed), solid(4, 4, kRed)};
    const Cells two_by_two = {{solid(4, 4, kRed), solid(4, 4, kRed)}, {solid(4, 4, kRed), solid(4, 4, kRed)}};
    EXPECT_THROW((void)contact_sheet(two, two, two_by_two, 6000, 0), InputError) << "18000 px wide";
    EXPECT_THROW((void)contact_sheet(two, two, two_by_two, 16, 1 << 30), InputError);
    EXPECT_THROW((void)contact_sheet(two, two, two_by_two, 0, 0), InputError);
    EXPECT_THROW((void)contact_sheet(two, two, two_by_two, 16, -1), InputError);
    EXPECT_THROW((void)contact_sheet(two, two, {two_by_two[0]}, 16, 1), std::invalid_argument);
    EXPECT_THROW((void)contact_sheet(two, two, {two_by_two[0], {two_by_two[0][0]}}, 16, 1), std::invalid_argument);
    EXPECT_THROW((void)contact_sheet(two, {cv::Mat(4, 4, CV_32FC3), solid(4, 4, kRed)}, two_by_two, 16, 1), std::invalid_argument);
    // Many cells of a modest tile add up: 200 x 82 = 16400 px.
    const std::vector<cv::Mat> many(199, solid(4, 4, kRed));
    const Cells grid(199, std::vector<std::optional<cv::Mat>>(199));
    EXPECT_THROW((void)contact_sheet(many, many, grid, 82, 0), InputError);
    try {
        (void)contact_sheet(two, two, two_by_two, 6000, 0);
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("18000x18000"), std::string::npos) << error.what();
    }
}

TEST(ImageStrip, FramesSideBySide) {
    const std::vector<cv::Mat> frames = {solid(8, 10, kRed), solid(8, 10, kGreen), solid(8, 10, kBlue)};
    const cv::Mat strip = image_strip(frames, 2);
    ASSERT_EQ(strip.size(), cv::Size(34, 8));
    EXPECT_TRUE(is_uniform(strip.colRange(0, 10), kRed));
    EXPECT_TRUE(is_uniform(strip.colRange(10, 12), kSheetBackground));
    EXPECT_TRUE(is_uniform(strip.colRange(12, 22), kGreen));
    EXPECT_TRUE(is_uniform(strip.colRange(24, 34), kBlue));
    EXPECT_EQ(image_strip({frames[0]}, 5).size(), cv::Size(10, 8));
    EXPECT_THROW((void)image_strip({}, 2), std::invalid_argument);
    EXPECT_THROW((void)image_strip({frames[0], solid(9, 10, kRed)}, 2), std::invalid_argument);
    EXPECT_THROW((void)image_strip(frames, -1), InputError);
    EXPECT_THROW((void)image_strip(std::vector<cv::Mat>(3, solid(8, 8000, kRed)), 0), InputError);
}

}  // namespace
}  // namespace facemix
