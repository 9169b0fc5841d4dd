#include "align/face_split.h"

#include <cmath>

namespace facemix {

cv::Rect face_box(int aligned_size) {
    CV_Assert(aligned_size > 0);
    const auto scaled = [aligned_size](int at_512) {
        return static_cast<int>(std::lround(at_512 * static_cast<double>(aligned_size) / 512.0));
    };
    const int top = scaled(190), bottom = scaled(440), left = scaled(125), right = scaled(387);
    return {left, top, right - left, bottom - top};
}

FaceSplit split_face(const cv::Mat& aligned) {
    CV_Assert(aligned.rows == aligned.cols && !aligned.empty());
    const cv::Rect box = face_box(aligned.rows);
    FaceSplit split;
    split.face = aligned(box).clone();
    split.background = aligned.clone();
    split.background(box).setTo(cv::Scalar::all(kMaskGrey));
    return split;
}

}  // namespace facemix
