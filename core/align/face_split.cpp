#include "align/face_split.h"

namespace facemix {

cv::Rect face_box(int aligned_size) {
    CV_Assert(aligned_size > 0);
    return FaceBox{}.scaled_to(aligned_size).rect();
}

FaceSplit split_face(const cv::Mat& aligned, const FaceBox& box_at_512) {
    CV_Assert(aligned.rows == aligned.cols && !aligned.empty());
    const cv::Rect box = box_at_512.scaled_to(aligned.rows).rect();
    FaceSplit split;
    split.face = aligned(box).clone();
    split.background = aligned.clone();
    split.background(box).setTo(cv::Scalar::all(kMaskGrey));
    return split;
}

}  // namespace facemix
