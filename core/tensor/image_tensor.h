#pragma once

#include <ATen/core/Tensor.h>
#include <opencv2/core/mat.hpp>

namespace facemix {

// 8-bit BGR image -> float tensor [1, 3, H, W], RGB, values in [-1, 1] (x / 127.5 - 1), the range
// every network of the method takes.
at::Tensor image_to_tensor(const cv::Mat& bgr);

// Inverse of image_to_tensor for one image [1, 3, H, W] or [3, H, W]: clamps, rounds, returns BGR.
cv::Mat tensor_to_image(const at::Tensor& rgb);

}  // namespace facemix
