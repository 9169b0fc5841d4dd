#include "align/face_detector.h"
#include "align/hog_face_scan.h"
#include "io/image_file.h"
#include "support/test_data.h"

#include <cmath>

#include <dlib/image_transforms/interpolation.h>
#include <dlib/opencv/cv_image.h>
#include <dlib/opencv/to_open_cv.h>
#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

namespace facemix {
namespace {

// The grey photo doubled as the face detector scans it.
cv::Mat doubled_grey(const std::string& file) {
    cv::Mat grey;
    cv::cvtColor(load_image(test::testdata_dir() / file), grey, cv::COLOR_BGR2GRAY);
    dlib::array2d<unsigned char> doubled;
    dlib::assign_image(doubled, dlib::cv_image<unsigned char>(grey));
    dlib::pyramid_up(doubled);
    cv::Mat out;
    dlib::toMat(doubled).copyTo(out);
    return out;
}

void expect_same(const std::vector<HogDetection>& reference, const std::vector<HogDetection>& found, const std::string& what) {
    ASSERT_EQ(found.size(), reference.size()) << what;
    for (std::size_t i = 0; i < found.size(); ++i) {
        EXPECT_EQ(found[i].box, reference[i].box) << what << " #" << i;
        EXPECT_EQ(found[i].filter, reference[i].filter) << what << " #" << i;
        EXPECT_NEAR(found[i].confidence, reference[i].confidence, 1e-4) << what << " #" << i;
    }
}

// The photos where detection is hardest: the 24-face collage, six small faces at a table, a small
// painting, a tiny crop, a face cut by the border and the two without a face; and a low threshold, so
// that many weak windows (the false positives min_score drops) must come out the same too.
TEST(HogFaceScan, FindsDlibsWindowsOnAnyNumberOfThreads) {
    HogFaceScan reference(1), one(1), three(3);
    int faces = 0;
    for (const std::string file : {"dlib_bald_guys.jpg", "insightface_t1.jpg", "photomaker_newton_1.jpg",
                                   "insightface_Tom_Hanks_54745.png", "facerec_obama_partial_face.jpg",
                                   "ipadapter_river.png", "insightface_mask_blue.jpg"}) {
        const cv::Mat grey = doubled_grey(file);
        for (const double threshold : {0.0, -0.5}) {
            const auto expected = reference.reference_detect(grey, threshold);
            expect_same(expected, one.detect(grey, threshold), file + " on one thread");
            expect_same(expected, three.detect(grey, threshold), file + " on three threads");
            if (threshold == 0.0) faces += static_cast<int>(expected.size());
        }
    }
    EXPECT_EQ(faces, 24 + 6 + 1 + 1 + 1);
}

TEST(HogFaceScan, ImagesTooSmallForAWindowHaveNoFaces) {
    const HogFaceScan scan(2);
    EXPECT_TRUE(scan.detect(cv::Mat(40, 40, CV_8UC1, cv::Scalar(128)), 0.0).empty());
    EXPECT_TRUE(scan.detect(cv::Mat(8, 300, CV_8UC1, cv::Scalar(3)), -10.0).empty());
    EXPECT_EQ(scan.threads(), 2);
    EXPECT_GE(HogFaceScan().threads(), 1);
}

// Photos from one pixel up, in noise, through the whole detector: no crash where the doubled copy has
// no cell or no window, and the same windows as dlib's pipeline, with the bar lowered far enough that
// the larger ones have a few.
TEST(HogFaceScan, TinyPhotosGiveWhatDlibGives) {
    FaceDetectorOptions options;
    options.min_score = -4.0;
    FaceDetector detector(options);
    options.dlib_reference = true;
    FaceDetector reference(options);
    cv::RNG rng(5);
    int windows = 0;
    for (const cv::Size size : {cv::Size(1, 1), cv::Size(2, 3), cv::Size(7, 7), cv::Size(16, 9), cv::Size(40, 33), cv::Size(64, 64)}) {
        cv::Mat photo(size, CV_8UC3);
        rng.fill(photo, cv::RNG::UNIFORM, 0, 256);
        const auto expected = reference.detect(photo);
        const auto found = detector.detect(photo);
        ASSERT_EQ(found.size(), expected.size()) << size;
        windows += static_cast<int>(found.size());
        for (std::size_t i = 0; i < found.size(); ++i) EXPECT_EQ(found[i].box, expected[i].box) << size;
    }
    EXPECT_GT(windows, 0);
}

}  // namespace
}  // namespace facemix
