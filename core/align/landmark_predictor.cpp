#include "align/landmark_predictor.h"

#include "common/error.h"

#include <cmath>
#include <cstdlib>

#include <dlib/image_processing/shape_predictor.h>
#include <dlib/opencv/cv_image.h>
#include <dlib/serialize.h>

namespace facemix {

std::filesystem::path default_landmark_model_path() {
    if (const char* overridden = std::getenv("FACEMIX_LANDMARK_MODEL")) return overridden;
    return "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";
}

struct LandmarkPredictor::Impl {
    dlib::shape_predictor predictor;
};

LandmarkPredictor::LandmarkPredictor(const std::filesystem::path& model_path) : impl_(std::make_unique<Impl>()) {
    const std::string name = model_path.string();
    if (!std::filesystem::is_regular_file(model_path))
        throw InputError("landmark model " + name + " not found (install the Debian package libdlib-data, or pass its path)");
    try {
        dlib::deserialize(name) >> impl_->predictor;
    } catch (const std::exception&) {
        throw InputError("landmark model " + name + " is not a dlib shape predictor file");
    }
    if (impl_->predictor.num_parts() != 68)
        throw InputError("landmark model " + name + " predicts " + std::to_string(impl_->predictor.num_parts()) +
                         " points; facemix needs the 68-point model");
}

LandmarkPredictor::~LandmarkPredictor() = default;
LandmarkPredictor::LandmarkPredictor(LandmarkPredictor&&) noexcept = default;
LandmarkPredictor& LandmarkPredictor::operator=(LandmarkPredictor&&) noexcept = default;

Landmarks LandmarkPredictor::predict(const cv::Mat& bgr, const cv::Rect2d& box) const {
    const dlib::cv_image<dlib::bgr_pixel> image(bgr);
    const dlib::rectangle rect(std::lround(box.x), std::lround(box.y), std::lround(box.x + box.width) - 1,
                               std::lround(box.y + box.height) - 1);
    const dlib::full_object_detection shape = impl_->predictor(image, rect);
    Landmarks points;
    for (std::size_t i = 0; i < points.size(); ++i) points[i] = cv::Point2d(shape.part(i).x(), shape.part(i).y());
    return points;
}

}  // namespace facemix
