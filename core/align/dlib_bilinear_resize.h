#pragma once

#include <opencv2/core/mat.hpp>

namespace facemix {

// dlib's bilinear resize_image of an 8-bit grey image, pixel for pixel, which is how dlib's pyramid_up
// doubles the photo and its pyramid_down<6> shrinks each level of the face detector's pyramid. dlib
// steps the sample positions in float and weighs each pixel's four neighbours for every row again; here
// the positions and column weights are worked out once per image with the same float arithmetic, so the
// pixels come out identical and about twice as fast.
// `out` must already have the size wanted (CV_8UC1); `in` and `out` must not overlap.
void resize_like_dlib(const cv::Mat& in, cv::Mat& out);

// The sizes dlib gives: pyramid_up doubles (the 2x detection pass), pyramid_down<6> keeps 5/6.
cv::Size doubled_size(const cv::Size& size);
cv::Size five_sixths_size(const cv::Size& size);

}  // namespace facemix
