#pragma once

#include <filesystem>
#include <memory>

#include <opencv2/core/mat.hpp>

#include "align/landmarks.h"

namespace facemix {

// Where libdlib-data installs the iBUG 68-point model.
std::filesystem::path default_landmark_model_path();

// dlib's 68-point shape predictor (ensemble of regression trees).
class LandmarkPredictor {
public:
    // Throws InputError naming the path when the model file is missing or not a dlib shape predictor.
    explicit LandmarkPredictor(const std::filesystem::path& model_path = default_landmark_model_path());
    ~LandmarkPredictor();
    LandmarkPredictor(LandmarkPredictor&&) noexcept;
    LandmarkPredictor& operator=(LandmarkPredictor&&) noexcept;

    Landmarks predict(const cv::Mat& bgr, const cv::Rect2d& face_box) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace facemix
