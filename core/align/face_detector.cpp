#include "align/face_detector.h"

#include <algorithm>

#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms/interpolation.h>
#include <dlib/opencv/cv_image.h>
#include <opencv2/imgproc.hpp>

namespace facemix {

struct FaceDetector::Impl {
    dlib::frontal_face_detector detector = dlib::get_frontal_face_detector();
};

FaceDetector::FaceDetector(FaceDetectorOptions options)
    : options_(options), impl_(std::make_unique<Impl>()) {}
FaceDetector::~FaceDetector() = default;
FaceDetector::FaceDetector(FaceDetector&&) noexcept = default;
FaceDetector& FaceDetector::operator=(FaceDetector&&) noexcept = default;

std::vector<FaceDetection> FaceDetector::detect(const cv::Mat& bgr) {
    const int long_side = std::max(bgr.cols, bgr.rows);
    const double scale = long_side > options_.max_detection_side
                             ? static_cast<double>(options_.max_detection_side) / long_side
                             : 1.0;
    cv::Mat grey;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    if (scale < 1.0) cv::resize(grey, grey, cv::Size(), scale, scale, cv::INTER_AREA);

    dlib::array2d<unsigned char> pyramid;
    dlib::assign_image(pyramid, dlib::cv_image<unsigned char>(grey));
    double pyramid_scale = 1.0;
    for (int i = 0; i < options_.upsample; ++i) {
        dlib::pyramid_up(pyramid);
        pyramid_scale *= 2.0;
    }

    std::vector<dlib::rect_detection> found;
    impl_->detector(pyramid, found, options_.min_score);

    std::vector<FaceDetection> faces;
    const double to_photo = 1.0 / (scale * pyramid_scale);
    for (const auto& d : found) {
        const auto& r = d.rect;
        faces.push_back({cv::Rect2d(r.left() * to_photo, r.top() * to_photo, (r.right() - r.left() + 1) * to_photo,
                                    (r.bottom() - r.top() + 1) * to_photo),
                         d.detection_confidence});
    }
    std::stable_sort(faces.begin(), faces.end(),
                     [](const FaceDetection& a, const FaceDetection& b) { return a.box.area() > b.box.area(); });
    return faces;
}

}  // namespace facemix
