#include "align/face_aligner.h"
#include "io/image_file.h"
#include "support/test_data.h"

#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace facemix {
namespace {

constexpr int kSize = 512;

// The photo warped into the aligned frame the plainest way (bilinear at 4x, area-downsampled, nothing
// filled), and where that warp saw only photo pixels: the footprint shrunk by 3 px, so that no
// resampling tap of an aligned pixel inside it lies outside the photo.
struct PlainWarp {
    cv::Mat image;      // CV_8UC3
    cv::Mat footprint;  // CV_8U, 255 inside
};

PlainWarp plain_warp(const cv::Mat& photo, const FfhqQuad& quad) {
    const int big = kSize * 4;
    const cv::Matx23d to_aligned = photo_to_aligned(quad, big);
    cv::Mat warped, inside, image, footprint;
    cv::warpAffine(photo, warped, cv::Mat(to_aligned), {big, big}, cv::INTER_LINEAR, cv::BORDER_CONSTANT);
    cv::warpAffine(cv::Mat(photo.size(), CV_8U, cv::Scalar(255)), inside, cv::Mat(to_aligned), {big, big}, cv::INTER_NEAREST,
                   cv::BORDER_CONSTANT);
    cv::resize(warped, image, {kSize, kSize}, 0, 0, cv::INTER_AREA);
    cv::resize(inside, footprint, {kSize, kSize}, 0, 0, cv::INTER_AREA);
    cv::threshold(footprint, footprint, 254, 255, cv::THRESH_BINARY);
    cv::erode(footprint, footprint, cv::getStructuringElement(cv::MORPH_RECT, {7, 7}));
    return {image, footprint};
}

// Mean absolute Laplacian inside the mask: how much fine detail an image keeps there.
double detail(const cv::Mat& bgr, const cv::Mat& mask) {
    cv::Mat grey, laplacian;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    cv::Laplacian(grey, laplacian, CV_32F);
    return cv::mean(cv::abs(laplacian), mask)[0];
}

struct Comparison {
    double mean_difference = 0;
    double max_difference = 0;  // share of footprint pixels more than 3 levels off
    double detail_kept = 0;  // aligned detail / plain-warp detail inside the footprint
    double footprint_share = 0;
};

Comparison compare(const AlignedFace& face, const cv::Mat& photo) {
    const PlainWarp plain = plain_warp(photo, face.quad);
    cv::Mat difference;
    cv::absdiff(face.aligned, plain.image, difference);
    Comparison c;
    c.mean_difference = cv::mean(difference, plain.footprint)[0];
    std::vector<cv::Mat> channels;
    cv::split(difference, channels);
    cv::Mat largest = cv::max(cv::max(channels[0], channels[1]), channels[2]);
    // Share of footprint pixels off by more than 3 levels: a few at the footprint's edge, where the
    // crop's border taps differ, are allowed; the blur the recipe spread over faces moved thousands.
    cv::Mat off = (largest > 3) & plain.footprint;
    c.max_difference = static_cast<double>(cv::countNonZero(off)) / std::max(1, cv::countNonZero(plain.footprint));
    c.detail_kept = detail(face.aligned, plain.footprint) / detail(plain.image, plain.footprint);
    c.footprint_share = cv::countNonZero(plain.footprint) / static_cast<double>(kSize * kSize);
    return c;
}

// A crop of the photo just around the face: its FFHQ square then reaches far outside on every side,
// as profile pictures and LFW's 250 px photos do.
cv::Mat tight_crop(const cv::Mat& photo, const cv::Rect2d& box) {
    const double side = std::max(box.width, box.height) * 1.4;
    const cv::Point2d centre(box.x + box.width / 2, box.y + box.height / 2);
    cv::Rect crop(static_cast<int>(centre.x - side / 2), static_cast<int>(centre.y - side / 2), static_cast<int>(side),
                  static_cast<int>(side));
    crop &= cv::Rect(0, 0, photo.cols, photo.rows);
    return photo(crop).clone();
}

// The invariant of sharp alignment: wherever the aligned square lies inside the photo, the aligned
// image is the photo resampled (equal to a plain warp to rounding), whatever the fill outside does;
// the recipe's blur used to reach over the face of every photo whose square needed padding.
TEST(SharpAlignment, InsideThePhotoTheAlignedImageIsAPlainWarpOfThePhoto) {
    FaceAlignerOptions options;
    options.size = kSize;
    options.largest_only = true;
    FaceAligner aligner(options);
    int padded = 0, cropped = 0, crops_tried = 0;
    for (const auto& label : test::photo_labels()) {
        if (label.faces != 1) continue;
        SCOPED_TRACE(label.file);
        const cv::Mat photo = load_image(test::testdata_dir() / label.file);
        const auto faces = aligner.align(photo);
        ASSERT_EQ(faces.size(), 1u);
        std::vector<std::pair<std::string, cv::Mat>> variants = {{"photo", photo}};
        ++crops_tried;
        variants.emplace_back("tight crop", tight_crop(photo, faces[0].detection.box));
        for (const auto& [what, image] : variants) {
            SCOPED_TRACE(what);
            const auto found = what == "photo" ? faces : aligner.align(image);
            if (found.empty()) continue;  // counted below: most crops must still show a face
            const AlignedFace& face = found[0];
            const Comparison c = compare(face, image);
            EXPECT_LE(c.mean_difference, 0.5);
            EXPECT_LE(c.max_difference, 0.002);
            EXPECT_GE(c.detail_kept, 0.97);
            EXPECT_NEAR(face.outside_share, 1.0 - c.footprint_share, 0.03);
            if (face.outside_share > 0.05) ++padded;
            if (what != "photo") ++cropped;
        }
    }
    EXPECT_GE(cropped, crops_tried * 8 / 10) << "too few tight crops still show a face";
    EXPECT_GE(padded, crops_tried) << "the test must cover photos whose square reaches outside";
}

TEST(SharpAlignment, OutsideShareIsZeroForASquareInsideThePhotoAndGrowsWithThePad) {
    FfhqQuad quad;
    quad.corners = {cv::Point2d(10, 10), cv::Point2d(10, 90), cv::Point2d(90, 90), cv::Point2d(90, 10)};
    quad.size = 80;
    EXPECT_EQ(ffhq_outside_share(quad, {100, 100}), 0.0);
    EXPECT_NEAR(ffhq_outside_share(quad, {50, 100}), 0.5, 0.01);    // the right half lies outside
    EXPECT_NEAR(ffhq_outside_share(quad, {50, 50}), 0.75, 0.01);    // only the top-left quarter inside
    EXPECT_NEAR(ffhq_outside_share(quad, {5, 5}), 1.0, 1e-9);
}

}  // namespace
}  // namespace facemix
