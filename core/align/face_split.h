#pragma once

#include <opencv2/core/mat.hpp>

#include "align/face_box.h"

namespace facemix {

// The default face box (the face mixers' training crop) at `aligned_size` px.
cv::Rect face_box(int aligned_size);

// Mid-grey as stored in 8-bit images: 0 in [-1, 1] is 127.5, which rounds to 128. Tensor code sets
// the box to exactly 0 instead (see the embedding code), so only saved PNGs carry the rounding.
inline constexpr unsigned char kMaskGrey = 128;

struct FaceSplit {
    cv::Mat face;        // the face box, cropped
    cv::Mat background;  // the whole aligned image with the face box set to mid-grey
};

// Splits a square aligned image into the two parts each embedded separately.
FaceSplit split_face(const cv::Mat& aligned, const FaceBox& box = {});

}  // namespace facemix
