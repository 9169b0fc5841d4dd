#pragma once

#include <array>

#include <opencv2/core/types.hpp>

namespace facemix {

// The 68 points of the iBUG 300-W scheme that dlib's shape predictor returns, in pixel coordinates
// of the image they were found in.
using Landmarks = std::array<cv::Point2d, 68>;

// Centres of the landmark groups the FFHQ recipe is built on ("left" is the subject's right eye,
// i.e. the one on the left of the picture, as in the recipe).
cv::Point2d left_eye_centre(const Landmarks& points);
cv::Point2d right_eye_centre(const Landmarks& points);
cv::Point2d mouth_centre(const Landmarks& points);

}  // namespace facemix
