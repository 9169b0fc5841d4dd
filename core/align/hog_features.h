#pragma once

#include <cstddef>

#include <opencv2/core/mat.hpp>

#include "align/aligned_floats.h"

namespace facemix {

// Felzenszwalb's 31 HOG features of 8x8 px cells (18 signed and 9 unsigned orientations, 4 texture
// energies), in the layout dlib's extract_fhog_features gives its scanners: a border of zero cells
// around the image's cells so that a filter_rows x filter_cols window can be placed at every cell.
struct HogPlanes {
    static constexpr int kPlanes = 31;
    // Kernels read 16 floats at a time; the zeros past the last column keep those reads inside a row,
    // and rows of a multiple of 16 floats start on a cache line.
    static constexpr int kRowSlack = 16;
    static int stride_for(int cols) { return (cols + kRowSlack + 15) / 16 * 16; }

    int rows = 0;    // cells, border included
    int cols = 0;
    int stride = 0;  // floats from one row to the next: stride_for(cols)
    AlignedFloats values;  // kPlanes planes of rows x stride

    bool empty() const { return rows == 0 || cols == 0; }
    const float* plane(int p) const { return values.data() + static_cast<std::size_t>(p) * rows * stride; }
    float* plane(int p) { return values.data() + static_cast<std::size_t>(p) * rows * stride; }
    float at(int p, int row, int col) const { return plane(p)[static_cast<std::size_t>(row) * stride + col]; }
};

// The features of an 8-bit grey image, equal to dlib's up to float rounding (the orientation of each
// pixel is dlib's exactly; sums are taken in another order, which moves a feature by about 1e-7).
// It is dlib's computation rearranged for speed: every pixel's orientation comes from one table look-up
// instead of 18 comparisons, and its four bilinear votes are one vector add into buffers kept per band
// of pixel rows. `planes` is reused between calls; an image under 3x3 cells gives empty planes, as
// dlib does.
void extract_hog_features(const cv::Mat& grey, int filter_rows, int filter_cols, HogPlanes& planes);

}  // namespace facemix
