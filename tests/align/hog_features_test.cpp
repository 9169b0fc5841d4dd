#include "align/hog_features.h"
#include "io/image_file.h"
#include "support/test_data.h"

#include <algorithm>
#include <cmath>

#include <dlib/image_transforms/fhog.h>
#include <dlib/image_transforms/interpolation.h>
#include <dlib/opencv/cv_image.h>
#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

namespace facemix {
// Named, so that its helpers stay its own in a unity batch.
namespace hog_features_test {

constexpr int kWindow = 10;

// The largest difference between our features and dlib's extract_fhog_features of the same image, or
// infinity when the planes' sizes differ. `planes` may hold an earlier image's features, as it does in
// the detector, which reuses them from level to level.
double largest_difference(const cv::Mat& grey, HogPlanes& planes) {
    dlib::array<dlib::array2d<float>> expected;
    dlib::extract_fhog_features(dlib::cv_image<unsigned char>(grey), expected, 8, kWindow, kWindow);
    extract_hog_features(grey, kWindow, kWindow, planes);
    if (expected.size() == 0 || expected[0].size() == 0) return planes.empty() ? 0.0 : INFINITY;
    if (planes.rows != expected[0].nr() || planes.cols != expected[0].nc()) return INFINITY;
    double largest = 0;
    for (int p = 0; p < HogPlanes::kPlanes; ++p)
        for (int r = 0; r < planes.rows; ++r)
            for (int c = 0; c < planes.cols; ++c)
                largest = std::max(largest, static_cast<double>(std::abs(planes.at(p, r, c) - expected[p][r][c])));
    return largest;
}

// Features reach about 0.5; dlib sums the votes in another order, which moves them by about 1e-7.
constexpr double kTolerance = 2e-6;

TEST(HogFeatures, MatchDlibOnAPhotoAndItsDoubledCopy) {
    cv::Mat grey;
    cv::cvtColor(load_image(test::testdata_dir() / "insightface_t1.jpg"), grey, cv::COLOR_BGR2GRAY);
    HogPlanes planes;
    EXPECT_LT(largest_difference(grey, planes), kTolerance);
    dlib::array2d<unsigned char> doubled;
    dlib::assign_image(doubled, dlib::cv_image<unsigned char>(grey));
    dlib::pyramid_up(doubled);
    const cv::Mat view(static_cast<int>(doubled.nr()), static_cast<int>(doubled.nc()), CV_8UC1, dlib::image_data(doubled),
                       static_cast<std::size_t>(dlib::width_step(doubled)));
    EXPECT_LT(largest_difference(view, planes), kTolerance);
}

// Sizes that are not whole cells, a row stride wider than the image, and every gradient the 8-bit
// table holds (noise has them all), into planes that held the larger images' features before.
TEST(HogFeatures, MatchDlibOnOddSizesAndNoise) {
    cv::RNG rng(7);
    HogPlanes planes;
    for (const cv::Size size : {cv::Size(203, 164), cv::Size(77, 101), cv::Size(100, 37), cv::Size(36, 36)}) {
        cv::Mat wide(size.height, size.width + 13, CV_8UC1);
        rng.fill(wide, cv::RNG::UNIFORM, 0, 256);
        const cv::Mat noise = wide.colRange(0, size.width);
        EXPECT_LT(largest_difference(noise, planes), kTolerance) << size;
        cv::Mat smooth;
        cv::GaussianBlur(noise, smooth, {0, 0}, 2.0);
        EXPECT_LT(largest_difference(smooth, planes), kTolerance) << size;
    }
}

TEST(HogFeatures, ImagesUnderThreeCellsHaveNone) {
    HogPlanes planes;
    extract_hog_features(cv::Mat(19, 40, CV_8UC1, cv::Scalar(9)), kWindow, kWindow, planes);
    EXPECT_TRUE(planes.empty());
    EXPECT_EQ(largest_difference(cv::Mat(19, 40, CV_8UC1, cv::Scalar(9)), planes), 0.0);
    extract_hog_features(cv::Mat(20, 40, CV_8UC1, cv::Scalar(9)), kWindow, kWindow, planes);
    EXPECT_EQ(planes.rows, 1 + kWindow - 1);
    EXPECT_EQ(planes.cols, 3 + kWindow - 1);
    EXPECT_GE(planes.stride, planes.cols + HogPlanes::kRowSlack);
}

}  // namespace hog_features_test
}  // namespace facemix
