#include "align/hog_window_filter.h"

#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

namespace facemix {
namespace {

constexpr int kWindow = HogWindowFilter::kWindow;

HogPlanes random_planes(int rows, int cols, cv::RNG& rng) {
    HogPlanes planes;
    planes.rows = rows;
    planes.cols = cols;
    planes.stride = HogPlanes::stride_for(cols);
    planes.values.assign(static_cast<std::size_t>(HogPlanes::kPlanes) * rows * planes.stride, 0.0f);
    for (int p = 0; p < HogPlanes::kPlanes; ++p)
        for (int r = 0; r < rows; ++r)
            for (int c = 0; c < cols; ++c) planes.plane(p)[static_cast<std::size_t>(r) * planes.stride + c] = rng.uniform(0.0f, 0.5f);
    return planes;
}

HogWindowFilter random_filter(int parts, cv::RNG& rng) {
    HogWindowFilter filter;
    for (int k = 0; k < parts; ++k) {
        HogWindowFilter::Part part;
        part.plane = rng.uniform(0, HogPlanes::kPlanes);
        for (int i = 0; i < kWindow; ++i) {
            part.along_row[i] = rng.uniform(-1.0f, 1.0f);
            part.along_column[i] = rng.uniform(-1.0f, 1.0f);
        }
        filter.parts.push_back(part);
    }
    return filter;
}

// The window score written out: every part's outer product over the window, in double.
double direct_score(const HogWindowFilter& filter, const HogPlanes& planes, int row, int col) {
    double score = 0;
    for (const auto& part : filter.parts)
        for (int i = 0; i < kWindow; ++i)
            for (int j = 0; j < kWindow; ++j)
                score += static_cast<double>(part.along_column[i]) * part.along_row[j] *
                         planes.at(part.plane, row - HogWindowScores::first() + i, col - HogWindowScores::first() + j);
    return score;
}

// Every window centre of several plane sizes (narrower than one vector, and not a whole number of them),
// against the direct sum.
TEST(HogWindowFilter, ScoresEqualTheDirectSumAtEveryWindow) {
    cv::RNG rng(11);
    const std::vector<HogWindowFilter> filters{random_filter(40, rng), random_filter(7, rng)};
    std::vector<HogWindowScores> scores;
    AlignedFloats scratch;
    for (const cv::Size size : {cv::Size(10, 10), cv::Size(13, 11), cv::Size(37, 29), cv::Size(64, 17)}) {
        const HogPlanes planes = random_planes(size.height, size.width, rng);
        score_windows(filters, planes, scores, scratch);
        ASSERT_EQ(scores.size(), filters.size());
        for (std::size_t f = 0; f < filters.size(); ++f) {
            ASSERT_EQ(scores[f].rows, planes.rows);
            ASSERT_EQ(scores[f].cols, planes.cols);
            double largest = 0;
            int windows = 0;
            for (int r = HogWindowScores::first(); r < scores[f].rows - HogWindowScores::last_margin(); ++r)
                for (int c = HogWindowScores::first(); c < scores[f].cols - HogWindowScores::last_margin(); ++c, ++windows)
                    largest = std::max(largest, std::abs(scores[f].at(r, c) - direct_score(filters[f], planes, r, c)));
            EXPECT_EQ(windows, (size.height - kWindow + 1) * (size.width - kWindow + 1)) << size;
            // Scores reach about 10 here; float sums of 4000 products keep within a few 1e-6 of that.
            EXPECT_LT(largest, 1e-4) << size << " filter " << f;
        }
    }
}

TEST(HogWindowFilter, PlanesSmallerThanTheWindowHaveNoWindows) {
    cv::RNG rng(3);
    std::vector<HogWindowScores> scores;
    AlignedFloats scratch;
    score_windows({random_filter(3, rng)}, random_planes(9, 30, rng), scores, scratch);
    ASSERT_EQ(scores.size(), 1u);
    EXPECT_EQ(scores[0].rows - HogWindowScores::last_margin() - HogWindowScores::first(), 0);
}

}  // namespace
}  // namespace facemix
