#include "align/face_aligner.h"
#include "common/error.h"
#include "io/image_file.h"
#include "support/test_data.h"

#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

namespace facemix {
namespace {

cv::Point2d apply(const cv::Matx23d& m, const cv::Point2d& p) {
    return {m(0, 0) * p.x + m(0, 1) * p.y + m(0, 2), m(1, 0) * p.x + m(1, 1) * p.y + m(1, 2)};
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

// Landmarks found again on the aligned image, from the detection box carried over by the same
// transform (HOG alone misses faces whose mirrored padding fills half the image).
Landmarks redetect(const LandmarkPredictor& predictor, const AlignedFace& face, int size) {
    const cv::Matx23d to_aligned = photo_to_aligned(face.quad, size);
    const cv::Rect2d& box = face.detection.box;
    const cv::Point2d a = apply(to_aligned, box.tl()), b = apply(to_aligned, box.br());
    const cv::Point2d c = apply(to_aligned, {box.x, box.y + box.height}), d = apply(to_aligned, {box.x + box.width, box.y});
    const double x0 = std::min({a.x, b.x, c.x, d.x}), x1 = std::max({a.x, b.x, c.x, d.x});
    const double y0 = std::min({a.y, b.y, c.y, d.y}), y1 = std::max({a.y, b.y, c.y, d.y});
    return predictor.predict(face.aligned, cv::Rect2d(x0, y0, x1 - x0, y1 - y0));
}

bool quad_inside(const FfhqQuad& quad, const cv::Size& photo) {
    return std::all_of(quad.corners.begin(), quad.corners.end(), [&](const cv::Point2d& p) {
        return p.x >= 0 && p.y >= 0 && p.x < photo.width && p.y < photo.height;
    });
}

class AlignmentGeometry : public ::testing::TestWithParam<int> {};

// FFHQ's canonical frame puts the eyes level, symmetric about the centre line, a quarter of the image
// apart and a little above the middle: (192, 242) and (320, 242) at 512 px. Faces whose eye-to-mouth
// distance dominates (turned heads) get closer eyes, so per photo the test checks the transform's own
// prediction, level and centred eyes, and against the canonical positions the median over all photos.
TEST_P(AlignmentGeometry, EyesFoundAgainOnTheAlignedImageSitWhereFfhqPutsThem) {
    const int size = GetParam();
    const double s = size / 512.0;
    FaceAlignerOptions options;
    options.size = size;
    options.largest_only = true;
    FaceAligner aligner(options);
    const LandmarkPredictor predictor;

    std::vector<double> left_x, right_x, eye_y;
    for (const auto& label : test::photo_labels()) {
        if (label.faces != 1) continue;
        SCOPED_TRACE(label.file);
        const cv::Mat photo = load_image(test::testdata_dir() / label.file);
        const auto faces = aligner.align(photo);
        ASSERT_EQ(faces.size(), 1u);
        const AlignedFace& face = faces[0];
        ASSERT_EQ(face.aligned.size(), cv::Size(size, size));
        // Where the quad leaves the photo, part of the aligned image is mirrored padding, on which the
        // landmark model sees a double face; those photos are aligned but not measured.
        if (!quad_inside(face.quad, photo.size())) continue;

        const Landmarks found = redetect(predictor, face, size);
        const cv::Point2d left = left_eye_centre(found), right = right_eye_centre(found);
        const cv::Matx23d to_aligned = photo_to_aligned(face.quad, size);
        EXPECT_LE(cv::norm(left - apply(to_aligned, left_eye_centre(face.landmarks))), 5.0 * s);
        EXPECT_LE(cv::norm(right - apply(to_aligned, right_eye_centre(face.landmarks))), 5.0 * s);
        EXPECT_LE(std::abs(left.y - right.y), 5.0 * s) << "eyes not level";
        EXPECT_NEAR((left.x + right.x) / 2, size / 2.0, 5.0 * s) << "eyes not centred";
        EXPECT_NEAR((left.y + right.y) / 2, 242.0 * s, 6.0 * s);
        EXPECT_LE(right.x - left.x, 128.0 * s + 5.0 * s) << "eyes further apart than the recipe allows";
        left_x.push_back(left.x);
        right_x.push_back(right.x);
        eye_y.push_back((left.y + right.y) / 2);
    }
    ASSERT_GE(left_x.size(), 15u);
    EXPECT_NEAR(median(left_x), 192.0 * s, 2.0 * s);
    EXPECT_NEAR(median(right_x), 320.0 * s, 2.0 * s);
    EXPECT_NEAR(median(eye_y), 242.0 * s, 2.0 * s);
}

INSTANTIATE_TEST_SUITE_P(Sizes, AlignmentGeometry, ::testing::Values(256, 512, 1024));

TEST(FaceAligner, RefusesSizesOtherThan256_512_1024) {
    FaceAlignerOptions options;
    options.size = 300;
    EXPECT_THROW(FaceAligner{options}, InputError);
}

TEST(FaceAligner, NamesAMissingLandmarkModel) {
    FaceAlignerOptions options;
    options.landmark_model = "/nonexistent/model.dat";
    try {
        FaceAligner aligner(options);
        FAIL() << "expected an InputError";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("/nonexistent/model.dat"), std::string::npos);
    }
}

}  // namespace
}  // namespace facemix
