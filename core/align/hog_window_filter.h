#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include "align/hog_features.h"

namespace facemix {

// One linear HOG detector (dlib's frontal face detector holds five): weights over a window of
// kWindow x kWindow cells in every feature plane, kept as dlib keeps them, a sum of separable parts
// (the singular vectors of each plane's weights), so that scoring costs 2 x kWindow multiplications per
// part and cell instead of kWindow^2.
struct HogWindowFilter {
    static constexpr int kWindow = 10;

    struct Part {
        int plane = 0;
        std::array<float, kWindow> along_row{};     // weights of the window's columns
        std::array<float, kWindow> along_column{};  // weights of its rows
    };
    std::vector<Part> parts;
    double threshold = 0;  // a window whose score reaches this holds the object
};

// Window scores of one level: the score of the window whose centre cell is (row, col) is at
// values[row * stride + col], for rows in [first(), rows - last_margin()) and the same for columns;
// the rest of the grid is not a window centre and holds nothing useful.
struct HogWindowScores {
    int rows = 0, cols = 0, stride = 0;
    AlignedFloats values;

    static constexpr int first() { return HogWindowFilter::kWindow / 2; }
    static constexpr int last_margin() { return (HogWindowFilter::kWindow - 1) / 2; }
    float at(int row, int col) const { return values[static_cast<std::size_t>(row) * stride + col]; }
};

// Scores every window of `planes` for each filter (scores[f] for filters[f]; equal to dlib's
// apply_filters_to_fhog up to float rounding). `ring` is scratch reused between calls. On x86-64 the
// loops are also built for AVX2 with FMA and for AVX-512 and chosen at run time; on this machine's AVX-512
// they score about three times as fast as dlib's SSE2 loops.
void score_windows(const std::vector<HogWindowFilter>& filters, const HogPlanes& planes,
                   std::vector<HogWindowScores>& scores, AlignedFloats& ring);

}  // namespace facemix
