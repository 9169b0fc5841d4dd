#include "train/loss_plot.h"

#include <cmath>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

namespace facemix {
namespace {

// The mean row (y) of the curve's line pixels in the columns [x0, x1): where the line is drawn there.
double line_row(const cv::Mat& plot, int x0, int x1) {
    double sum = 0;
    int count = 0;
    for (int y = 0; y < plot.rows; ++y)
        for (int x = x0; x < x1; ++x) {
            const cv::Vec3b pixel = plot.at<cv::Vec3b>(y, x);
            if (pixel[0] > 140 && pixel[2] < 60) {  // the line's blue, not the grey dots, grid or axes
                sum += y;
                ++count;
            }
        }
    return count ? sum / count : -1;
}

TEST(LossPlot, DrawsAFallingLossAsALineThatGoesDown) {
    std::vector<LossPoint> points;
    for (int step = 1; step <= 500; ++step) points.push_back({double(step), 1.0 * std::exp(-step / 120.0) + 0.02});
    const cv::Mat plot = plot_loss_curve(points, 720, 400);
    ASSERT_EQ(plot.size(), cv::Size(720, 400));
    const double start = line_row(plot, 70, 110), end = line_row(plot, 640, 690);
    ASSERT_GT(start, 0);
    ASSERT_GT(end, 0);
    EXPECT_GT(end - start, 150) << "a loss falling 1.0 → 0.03 spans well over a decade of a ~330 px axis";
}

TEST(LossPlot, SkipsUnusableRowsAndDrawsOnlyAxesForTooFewPoints) {
    const cv::Mat empty = plot_loss_curve({{1, 0.5}, {2, std::nan("")}, {3, -1}}, 300, 200);
    EXPECT_LT(line_row(empty, 0, 300), 0) << "one usable point is no curve";
    const auto dir = std::filesystem::temp_directory_path() / "facemix_loss_plot_test";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "loss.csv") << "step,loss,lr,seconds\n1,0.9,1e-05,0.5\nbroken\n2,0.8,2e-05,1.0\n";
    const auto read = read_loss_csv(dir / "loss.csv");
    ASSERT_EQ(read.size(), 2u);
    EXPECT_EQ(read[1].step, 2);
    EXPECT_DOUBLE_EQ(read[1].loss, 0.8);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace facemix
