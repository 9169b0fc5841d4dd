#include "align/dlib_bilinear_resize.h"
#include "io/image_file.h"
#include "support/test_data.h"

#include <dlib/image_transforms/image_pyramid.h>
#include <dlib/image_transforms/interpolation.h>
#include <dlib/opencv/cv_image.h>
#include <dlib/opencv/to_open_cv.h>
#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

namespace facemix {
namespace {

// How many pixels of ours differ from dlib's, doubling `grey` as pyramid_up does and then shrinking it by
// 5/6 level after level as pyramid_down<6> does; -1 when a size differs.
long differing_pixels(const cv::Mat& grey) {
    dlib::array2d<unsigned char> expected;
    dlib::assign_image(expected, dlib::cv_image<unsigned char>(grey));
    dlib::pyramid_up(expected);
    cv::Mat ours(doubled_size(grey.size()), CV_8UC1);
    resize_like_dlib(grey, ours);
    long differing = 0;
    const dlib::pyramid_down<6> pyramid;
    while (true) {
        if (ours.rows != expected.nr() || ours.cols != expected.nc()) return -1;
        differing += cv::countNonZero(dlib::toMat(expected) != ours);
        if (ours.rows < 8 || ours.cols < 8) return differing;
        dlib::array2d<unsigned char> smaller;
        pyramid(expected, smaller);
        dlib::swap(expected, smaller);
        cv::Mat next(five_sixths_size(ours.size()), CV_8UC1);
        resize_like_dlib(ours, next);
        ours = next;
    }
}

TEST(DlibBilinearResize, PyramidOfAPhotoIsDlibsPixelForPixel) {
    cv::Mat grey;
    cv::cvtColor(load_image(test::testdata_dir() / "insightface_t1.jpg"), grey, cv::COLOR_BGR2GRAY);
    EXPECT_EQ(differing_pixels(grey), 0);
}

// Every width from 1 to 40 (all remainders of dlib's groups of four columns, and its last columns,
// which it truncates instead of rounding), noise and smooth gradients, in a wider buffer.
TEST(DlibBilinearResize, AnySizeIsDlibsPixelForPixel) {
    cv::RNG rng(17);
    for (int width = 1; width <= 40; ++width) {
        const int height = rng.uniform(1, 60);
        cv::Mat wide(height, width + 5, CV_8UC1);
        rng.fill(wide, cv::RNG::UNIFORM, 0, 256);
        EXPECT_EQ(differing_pixels(wide.colRange(0, width)), 0) << width << "x" << height;
        cv::Mat ramp(height, width, CV_8UC1);
        for (int r = 0; r < height; ++r)
            for (int c = 0; c < width; ++c) ramp.at<unsigned char>(r, c) = static_cast<unsigned char>((r * 37 + c * 11) % 256);
        EXPECT_EQ(differing_pixels(ramp), 0) << width << "x" << height;
    }
    const cv::Mat big(777, 1023, CV_8UC1, cv::Scalar(200));
    EXPECT_EQ(differing_pixels(big), 0);
}

}  // namespace
}  // namespace facemix
