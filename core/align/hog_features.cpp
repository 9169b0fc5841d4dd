#include "align/hog_features.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include <opencv2/core/hal/hal.hpp>

namespace facemix {
namespace {

constexpr int kCell = 8;
constexpr int kSigned = 18;  // orientations over 360 degrees; the unsigned ones fold o and o + 9

// Gradients are differences of 8-bit pixels, so one table holds the orientation of every possible
// gradient. Its entries are what dlib's per-pixel search finds: the first of nine directions (in dlib's
// rounded unit vectors) whose dot product, or its negation, is the largest, with ties kept by the
// earlier direction, and 0 for a flat pixel.
class OrientationTable {
public:
    OrientationTable() : bins_(kSpan * kSpan) {
        constexpr std::array<std::array<float, 2>, 9> directions{{{1.0000f, 0.0000f},
                                                                  {0.9397f, 0.3420f},
                                                                  {0.7660f, 0.6428f},
                                                                  {0.5000f, 0.8660f},
                                                                  {0.1736f, 0.9848f},
                                                                  {-0.1736f, 0.9848f},
                                                                  {-0.5000f, 0.8660f},
                                                                  {-0.7660f, 0.6428f},
                                                                  {-0.9397f, 0.3420f}}};
        for (int dy = -255; dy <= 255; ++dy)
            for (int dx = -255; dx <= 255; ++dx) {
                float best = 0;
                int best_bin = 0;
                for (int o = 0; o < 9; ++o) {
                    // Two rounded products and a rounded sum, as dlib computes them in float.
                    const float along_x = static_cast<float>(dx) * directions[o][0];
                    const float along_y = static_cast<float>(dy) * directions[o][1];
                    const float dot = along_x + along_y;
                    if (dot > best) {
                        best = dot;
                        best_bin = o;
                    } else if (-dot > best) {
                        best = -dot;
                        best_bin = o + 9;
                    }
                }
                bins_[index(dx, dy)] = static_cast<std::uint8_t>(best_bin);
            }
    }

    static int index(int dx, int dy) { return (dy + 255) * kSpan + dx + 255; }
    int bin(int index) const { return bins_[static_cast<std::size_t>(index)]; }

private:
    static constexpr int kSpan = 511;
    std::vector<std::uint8_t> bins_;
};

// Where a pixel row or column votes: the two cells around it (indices into the histogram, which has one
// cell of margin on each side) and the bilinear weight of the second one.
struct CellVote {
    int first = 0;
    float second_weight = 0;
};

CellVote cell_vote(int pixel) {
    const float position = (static_cast<float>(pixel) + 0.5f) / kCell - 0.5f;
    const float cell = std::floor(position);
    return {static_cast<int>(cell) + 1, position - cell};
}

// Orientation histograms (kSigned bins) of every cell, accumulated with bilinear votes.
class CellHistograms {
public:
    CellHistograms(int cell_rows, int cell_cols)
        : cols_(cell_cols + 2), bins_(static_cast<std::size_t>(cell_rows + 2) * cols_ * kSigned, 0.0f) {}

    // Histogram rows and columns count the margin: cell (r, c) is at row r + 1, column c + 1.
    int cols() const { return cols_; }
    float* row(int hist_row) { return bins_.data() + static_cast<std::size_t>(hist_row) * cols_ * kSigned; }
    const float* cell(int r, int c) const {
        return bins_.data() + (static_cast<std::size_t>(r + 1) * cols_ + c + 1) * kSigned;
    }

private:
    int cols_;
    std::vector<float> bins_;
};

// Four floats read and written where they lie, allowed to alias the float buffers.
typedef float Floats4 __attribute__((vector_size(16), aligned(4), may_alias));

Floats4& floats4(float* at) { return *reinterpret_cast<Floats4*>(at); }

// The votes of one band, the run of pixel rows that vote into the same two cell rows. A pixel's four
// votes (its cell and the one to its right, in the upper and the lower cell row) are kept together,
// under its left cell and its bin, as four neighbouring floats: one vector add a pixel. Neighbouring
// pixels often share a bin, so even and odd pixel columns vote into copies of their own and one add
// need not wait for the other's.
class BandVotes {
public:
    explicit BandVotes(int hist_cols)
        : cols_(hist_cols), copy_size_(static_cast<std::size_t>(hist_cols) * kSigned * 4), votes_(2 * copy_size_, 0.0f) {}

    // Where the votes of pixel column x, whose left cell is histogram column `left`, start; its bin
    // adds bin * 4.
    std::size_t column_offset(int x, int left) const { return (x & 1) * copy_size_ + static_cast<std::size_t>(left) * kSigned * 4; }
    float* data() { return votes_.data(); }

    // Adds the band to histogram rows `top` and `top` + 1 and starts the next one.
    void flush(CellHistograms& hist, int top) {
        float* upper = hist.row(top);
        float* lower = hist.row(top + 1);
        const float* even = votes_.data();
        const float* odd = even + copy_size_;
        for (std::size_t i = 0; i < static_cast<std::size_t>(cols_) * kSigned; ++i) {
            // Cell i / kSigned gets the votes of the pixels whose left cell it is, and those of the
            // pixels one cell to its left.
            const std::size_t own = 4 * i, from_left = own - 4 * kSigned;
            upper[i] += even[own] + odd[own];
            lower[i] += even[own + 1] + odd[own + 1];
            if (i >= static_cast<std::size_t>(kSigned)) {
                upper[i] += even[from_left + 2] + odd[from_left + 2];
                lower[i] += even[from_left + 3] + odd[from_left + 3];
            }
        }
        std::fill(votes_.begin(), votes_.end(), 0.0f);
    }

private:
    int cols_;
    std::size_t copy_size_;
    std::vector<float> votes_;
};

// Fills the histograms from the pixels, one band at a time. GCC also builds it for AVX-512 and AVX2, whose
// wider gradient and square-root loops save about a twentieth.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
void vote(const cv::Mat& grey, int visible_rows, int visible_cols, CellHistograms& hist) {
    static const OrientationTable orientations;
    const std::size_t width = static_cast<std::size_t>(grey.cols);
    BandVotes band_votes(hist.cols());
    float* const votes = band_votes.data();
    // Per pixel column: where its votes go and their weights before the row's shares.
    std::vector<std::size_t> column_offset(width);
    std::vector<float> column_shares(4 * width);
    for (int x = 0; x < grey.cols; ++x) {
        const CellVote v = cell_vote(x);
        column_offset[x] = band_votes.column_offset(x, v.first);
        const float right = v.second_weight, left = 1.0f - right;
        floats4(&column_shares[4 * static_cast<std::size_t>(x)]) = Floats4{left, left, right, right};
    }
    std::vector<float> squared(width), magnitude(width);
    std::vector<int> gradient(width);

    int band = -2;  // below any band: the first pixel row's band is -1
    for (int y = 1; y < visible_rows; ++y) {
        const std::uint8_t* above = grey.ptr<std::uint8_t>(y - 1);
        const std::uint8_t* here = grey.ptr<std::uint8_t>(y);
        const std::uint8_t* below = grey.ptr<std::uint8_t>(y + 1);
        for (int x = 1; x < visible_cols; ++x) {
            const int dx = here[x + 1] - here[x - 1];
            const int dy = below[x] - above[x];
            squared[x] = static_cast<float>(dx * dx + dy * dy);
            gradient[x] = OrientationTable::index(dx, dy);
        }
        // OpenCV's vector square root: std::sqrt's errno check would keep the loop above scalar.
        cv::hal::sqrt32f(squared.data() + 1, magnitude.data() + 1, visible_cols - 1);

        const CellVote row_vote = cell_vote(y);
        if (row_vote.first - 1 != band) {
            if (band >= -1) band_votes.flush(hist, band + 1);
            band = row_vote.first - 1;
        }
        const float lower = row_vote.second_weight, upper = 1.0f - lower;
        const Floats4 row_shares{upper, lower, upper, lower};
        for (int x = 1; x < visible_cols; ++x) {
            // dlib's rounding: the column weight times the magnitude, then times the row weight.
            floats4(votes + column_offset[x] + 4 * orientations.bin(gradient[x])) +=
                (magnitude[x] * floats4(&column_shares[4 * static_cast<std::size_t>(x)])) * row_shares;
        }
    }
    if (band >= -1) band_votes.flush(hist, band + 1);
}

}  // namespace

void extract_hog_features(const cv::Mat& grey, int filter_rows, int filter_cols, HogPlanes& planes) {
    CV_Assert(grey.type() == CV_8UC1);
    const int cell_rows = static_cast<int>(static_cast<float>(grey.rows) / kCell + 0.5f);
    const int cell_cols = static_cast<int>(static_cast<float>(grey.cols) / kCell + 0.5f);
    // Features need a cell on every side for their normalisation, so the outermost cells get none.
    const int feature_rows = std::max(cell_rows - 2, 0), feature_cols = std::max(cell_cols - 2, 0);
    if (feature_rows == 0 || feature_cols == 0) {
        planes = {};
        return;
    }
    planes.rows = feature_rows + filter_rows - 1;
    planes.cols = feature_cols + filter_cols - 1;
    planes.stride = HogPlanes::stride_for(planes.cols);
    // Features fill the middle of each plane; the border and the slack are zero (written here rather than
    // clearing the whole of `planes`, which is reused from level to level).
    const int row_offset = (filter_rows - 1) / 2, col_offset = (filter_cols - 1) / 2;
    planes.values.resize(static_cast<std::size_t>(HogPlanes::kPlanes) * planes.rows * planes.stride);
    for (int p = 0; p < HogPlanes::kPlanes; ++p)
        for (int r = 0; r < planes.rows; ++r) {
            float* row = planes.plane(p) + static_cast<std::size_t>(r) * planes.stride;
            if (r < row_offset || r >= row_offset + feature_rows) {
                std::fill(row, row + planes.stride, 0.0f);
            } else {
                std::fill(row, row + col_offset, 0.0f);
                std::fill(row + col_offset + feature_cols, row + planes.stride, 0.0f);
            }
        }

    CellHistograms hist(cell_rows, cell_cols);
    vote(grey, std::min(cell_rows * kCell, grey.rows) - 1, std::min(cell_cols * kCell, grey.cols) - 1, hist);

    // Each cell's gradient energy, summed over the unsigned orientations.
    std::vector<float> energy(static_cast<std::size_t>(cell_rows) * cell_cols);
    for (int r = 0; r < cell_rows; ++r)
        for (int c = 0; c < cell_cols; ++c) {
            const float* h = hist.cell(r, c);
            float sum = 0;
            for (int o = 0; o < 9; ++o) sum += (h[o] + h[o + 9]) * (h[o] + h[o + 9]);
            energy[static_cast<std::size_t>(r) * cell_cols + c] = sum;
        }
    const auto e = [&](int r, int c) { return energy[static_cast<std::size_t>(r) * cell_cols + c]; };

    for (int y = 0; y < feature_rows; ++y)
        for (int x = 0; x < feature_cols; ++x) {
            // The four 2x2 blocks that hold cell (y + 1, x + 1), in dlib's order: below right, above
            // right, below left, above left. Each normalises the cell's histogram on its own and the
            // features sum the four, each value clipped at 0.2 of the block's norm.
            const std::array<float, 4> block{e(y + 1, x + 1) + e(y + 1, x + 2) + e(y + 2, x + 1) + e(y + 2, x + 2),
                                             e(y, x + 1) + e(y, x + 2) + e(y + 1, x + 1) + e(y + 1, x + 2),
                                             e(y + 1, x) + e(y + 1, x + 1) + e(y + 2, x) + e(y + 2, x + 1),
                                             e(y, x) + e(y, x + 1) + e(y + 1, x) + e(y + 1, x + 1)};
            std::array<float, 4> clip{}, scale{}, texture{};
            for (int k = 0; k < 4; ++k) {
                clip[k] = 0.2f * std::sqrt(block[k] + 0.0001f);
                scale[k] = 0.1f / clip[k];
            }
            const float* h = hist.cell(y + 1, x + 1);
            const std::size_t at = static_cast<std::size_t>(y + row_offset) * planes.stride + x + col_offset;
            for (int o = 0; o < kSigned; ++o) {
                float sum = 0;
                for (int k = 0; k < 4; ++k) {
                    const float part = std::min(h[o], clip[k]) * scale[k];
                    sum += part;
                    texture[k] += part;
                }
                planes.plane(o)[at] = sum;
            }
            for (int o = 0; o < 9; ++o) {
                const float both = h[o] + h[o + 9];
                float sum = 0;
                for (int k = 0; k < 4; ++k) sum += std::min(both, clip[k]) * scale[k];
                planes.plane(kSigned + o)[at] = sum;
            }
            for (int k = 0; k < 4; ++k) planes.plane(kSigned + 9 + k)[at] = texture[k] * (2 * 0.2357f);
        }
}

}  // namespace facemix
