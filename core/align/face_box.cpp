#include "align/face_box.h"

#include <cmath>

namespace facemix {

FaceBox FaceBox::scaled_to(std::int64_t aligned_size) const {
    const auto scaled = [aligned_size](std::int64_t at_512) {
        return static_cast<std::int64_t>(std::lround(static_cast<double>(at_512) * static_cast<double>(aligned_size) / 512.0));
    };
    return {scaled(top), scaled(bottom), scaled(left), scaled(right)};
}

cv::Rect FaceBox::rect() const {
    return {static_cast<int>(left), static_cast<int>(top), static_cast<int>(right - left), static_cast<int>(bottom - top)};
}

bool FaceBox::valid() const { return 0 <= top && top < bottom && bottom <= 512 && 0 <= left && left < right && right <= 512; }

}  // namespace facemix
