#pragma once

#include <array>

#include <opencv2/core/mat.hpp>

#include "align/landmarks.h"

namespace facemix {

// The oriented square the FFHQ recipe (NVlabs/ffhq-dataset) cuts from the photo, in photo pixels.
// Corners in order: top-left, bottom-left, bottom-right, top-right of the aligned image.
struct FfhqQuad {
    std::array<cv::Point2d, 4> corners;
    double size = 0;  // side length in photo pixels ("qsize" in the recipe)
};

FfhqQuad ffhq_quad(const Landmarks& points);

// Maps photo coordinates to aligned-image coordinates (pixel centres) for an output of `size` px.
cv::Matx23d photo_to_aligned(const FfhqQuad& quad, int size);

// Resamples the quad into a size x size image following the recipe: shrink the photo when the quad
// is much larger than the output, crop around the quad, reflect-pad with a growing blur where the
// quad leaves the photo, then transform at 4x and downsample (the recipe's 4096 -> 1024).
cv::Mat warp_ffhq(const cv::Mat& bgr, const FfhqQuad& quad, int size);

}  // namespace facemix
