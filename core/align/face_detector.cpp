#include "align/face_detector.h"

#include "align/dlib_bilinear_resize.h"
#include "align/hog_face_scan.h"

#include <algorithm>

#include <dlib/image_transforms/interpolation.h>
#include <dlib/opencv/cv_image.h>
#include <dlib/opencv/to_open_cv.h>
#include <opencv2/imgproc.hpp>

namespace facemix {

struct FaceDetector::Impl {
    HogFaceScan scan;
};

FaceDetector::FaceDetector(FaceDetectorOptions options)
    : options_(options), impl_(std::make_unique<Impl>(Impl{HogFaceScan(options.threads)})) {}
FaceDetector::~FaceDetector() = default;
FaceDetector::FaceDetector(FaceDetector&&) noexcept = default;
FaceDetector& FaceDetector::operator=(FaceDetector&&) noexcept = default;

int FaceDetector::threads() const { return options_.dlib_reference ? 1 : impl_->scan.threads(); }

std::vector<FaceDetection> FaceDetector::detect(const cv::Mat& bgr) {
    const int long_side = std::max(bgr.cols, bgr.rows);
    const double scale = long_side > options_.max_detection_side
                             ? static_cast<double>(options_.max_detection_side) / long_side
                             : 1.0;
    cv::Mat grey;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    if (scale < 1.0) cv::resize(grey, grey, cv::Size(), scale, scale, cv::INTER_AREA);

    // The upsampled copy that finds faces down to about 40 px. dlib's reference makes it with dlib's
    // pyramid_up; the scan with the same resize, pixel for pixel, faster.
    std::vector<HogDetection> found;
    double pyramid_scale = 1.0;
    if (options_.dlib_reference) {
        dlib::array2d<unsigned char> pyramid;
        dlib::assign_image(pyramid, dlib::cv_image<unsigned char>(grey));
        for (int i = 0; i < options_.upsample; ++i) {
            dlib::pyramid_up(pyramid);
            pyramid_scale *= 2.0;
        }
        found = impl_->scan.reference_detect(dlib::toMat(pyramid), options_.min_score);
    } else {
        for (int i = 0; i < options_.upsample; ++i) {
            cv::Mat doubled(doubled_size(grey.size()), CV_8UC1);
            resize_like_dlib(grey, doubled);
            grey = doubled;
            pyramid_scale *= 2.0;
        }
        found = impl_->scan.detect(grey, options_.min_score);
    }

    std::vector<FaceDetection> faces;
    const double to_photo = 1.0 / (scale * pyramid_scale);
    for (const HogDetection& d : found) {
        const cv::Rect& r = d.box;
        faces.push_back({cv::Rect2d(r.x * to_photo, r.y * to_photo, r.width * to_photo, r.height * to_photo), d.confidence});
    }
    std::stable_sort(faces.begin(), faces.end(),
                     [](const FaceDetection& a, const FaceDetection& b) { return a.box.area() > b.box.area(); });
    return faces;
}

}  // namespace facemix
