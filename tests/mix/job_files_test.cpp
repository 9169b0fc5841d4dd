#include "mix/job_files.h"

#include <filesystem>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "io/image_file.h"
#include "mix/contact_sheet.h"

namespace facemix {
namespace {

TEST(JobFiles, CellsAreNamedByPlaceThenByWhatWasMixed) {
    EXPECT_EQ(grid_cell_file_name(0, 1, "faces/ann.jpg", "/photos/beach at noon.png"), "r01c02_ann_x_beach at noon.png");
    EXPECT_EQ(grid_cell_file_name(11, 99, "b.jpeg", "c"), "r12c100_b_x_c.png");
    EXPECT_EQ(frame_file_name(0), "frame_001.png");
    EXPECT_EQ(frame_file_name(41), "frame_042.png");
}

TEST(JobFiles, SheetStripAndAnimationAreWrittenWithTheSharedLayout) {
    const std::filesystem::path folder = std::filesystem::path(testing::TempDir()) / "job_files_test";
    std::filesystem::remove_all(folder);
    std::filesystem::create_directories(folder);
    const cv::Mat red(32, 32, CV_8UC3, cv::Scalar(0, 0, 255)), blue(32, 32, CV_8UC3, cv::Scalar(255, 0, 0));

    const std::vector<std::vector<std::optional<cv::Mat>>> cells{{red, std::nullopt}};
    write_contact_sheet(folder / "sheet.png", {red}, {blue, blue}, cells, "not generated", 40);
    const cv::Mat sheet = load_image(folder / "sheet.png");
    const cv::Mat expected = contact_sheet({red}, {blue, blue}, cells, 40, kSheetGapPx, "not generated");
    ASSERT_EQ(sheet.size(), expected.size());
    EXPECT_EQ(cv::norm(sheet, expected, cv::NORM_INF), 0.0);
    EXPECT_EQ(sheet.cols, 3 * 40 + 2 * kSheetGapPx);

    const StripFiles files = write_strip_and_animation(folder, "sweep", {red, blue, red});
    EXPECT_EQ(files.strip, folder / "sweep_strip.png");
    EXPECT_EQ(files.animation, folder / "sweep_animation.png");
    const cv::Mat strip = load_image(files.strip);
    EXPECT_EQ(strip.size(), cv::Size(3 * 32 + 2 * kSheetGapPx, 32));
    EXPECT_EQ(cv::norm(strip(cv::Rect(32 + kSheetGapPx, 0, 32, 32)), blue, cv::NORM_INF), 0.0);
    EXPECT_TRUE(std::filesystem::is_regular_file(files.animation));
    std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace facemix
