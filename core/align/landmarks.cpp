#include "align/landmarks.h"

namespace facemix {
namespace {

cv::Point2d mean_of(const Landmarks& points, std::size_t first, std::size_t count) {
    cv::Point2d sum(0, 0);
    for (std::size_t i = first; i < first + count; ++i) sum += points[i];
    return sum / static_cast<double>(count);
}

}  // namespace

cv::Point2d left_eye_centre(const Landmarks& points) { return mean_of(points, 36, 6); }
cv::Point2d right_eye_centre(const Landmarks& points) { return mean_of(points, 42, 6); }
cv::Point2d mouth_centre(const Landmarks& points) { return (points[48] + points[54]) * 0.5; }

}  // namespace facemix
