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
// is much larger than the output, crop around the quad, fill the band where the quad leaves the photo
// (reflection fading to blur and the median colour), then transform at 4x and area-downsample (the
// recipe's 4096 -> 1024, which antialiases when shrinking). Unlike the recipe, the fill never reaches
// into the photo: inside the photo's footprint the result is a plain warp of the photo.
cv::Mat warp_ffhq(const cv::Mat& bgr, const FfhqQuad& quad, int size);

// The share (0..1) of the aligned square that lies outside a photo of size `photo`: how much of an
// aligned image is filled rather than photographed.
double ffhq_outside_share(const FfhqQuad& quad, const cv::Size& photo);

}  // namespace facemix
