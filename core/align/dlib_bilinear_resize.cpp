#include "align/dlib_bilinear_resize.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <dlib/image_transforms/image_pyramid.h>

namespace facemix {
namespace {

// Where an output column samples: its two input columns and the weight of the right one.
struct Column {
    int left = 0, right = 0;
    float share = 0;  // of the right column
    float rest = 0;   // of the left one, 1 - share as dlib rounds it
};

// dlib's columns come in two kinds. Most are stepped four at a time in float (each lane starts at its
// position worked out in double and adds four steps, rounded to float, per group) while the group's last
// right neighbour stays inside the image; those are rounded to the nearest level. The few after them are
// stepped in double and truncated. Returns the columns and how many are of the first kind.
std::vector<Column> columns_of(int in_cols, int out_cols, int& rounded) {
    const double scale = (in_cols - 1) / static_cast<double>(std::max(out_cols - 1, 1));
    std::vector<Column> columns(static_cast<std::size_t>(out_cols));
    float lanes[4];
    for (int i = 0; i < 4; ++i) lanes[i] = static_cast<float>(-4 * scale + i * scale);
    const float step = static_cast<float>(4 * scale);
    rounded = 0;
    for (; rounded + 4 <= out_cols; rounded += 4) {
        int left[4];
        for (int i = 0; i < 4; ++i) {
            lanes[i] += step;
            left[i] = static_cast<int>(lanes[i]);
        }
        if (left[3] + 1 >= in_cols) break;
        for (int i = 0; i < 4; ++i) {
            const float share = lanes[i] - static_cast<float>(left[i]);
            columns[static_cast<std::size_t>(rounded + i)] = {left[i], left[i] + 1, share, 1 - share};
        }
    }
    double x = -scale + rounded * scale;
    for (int c = rounded; c < out_cols; ++c) {
        x += scale;
        const int left = static_cast<int>(std::floor(x));
        const float share = static_cast<float>(x - left);
        columns[static_cast<std::size_t>(c)] = {left, std::min(left + 1, in_cols - 1), share, 1 - share};
    }
    return columns;
}

}  // namespace

void resize_like_dlib(const cv::Mat& in, cv::Mat& out) {
    CV_Assert(in.type() == CV_8UC1 && out.type() == CV_8UC1);
    if (in.empty() || out.empty()) return;
    int rounded = 0;
    const std::vector<Column> columns = columns_of(in.cols, out.cols, rounded);
    const std::size_t width = static_cast<std::size_t>(out.cols);
    // Column weights in arrays of their own, so that the arithmetic below runs as vectors.
    std::vector<float> shares(width), rests(width);
    for (std::size_t c = 0; c < width; ++c) {
        shares[c] = columns[c].share;
        rests[c] = columns[c].rest;
    }
    // An input row's left and right neighbour of every output column, gathered once: neighbouring output
    // rows mostly share their input rows, so two slots keep the last two gathered.
    struct Gathered {
        int row = -1;
        std::vector<std::uint8_t> left, right;
    };
    Gathered slots[2];
    for (Gathered& slot : slots) slot.left.resize(width), slot.right.resize(width);
    int oldest = 0;
    const auto gathered = [&](int row) -> const Gathered& {
        for (const Gathered& slot : slots)
            if (slot.row == row) return slot;
        Gathered& slot = slots[oldest];
        oldest = 1 - oldest;
        const std::uint8_t* pixels = in.ptr<std::uint8_t>(row);
        for (std::size_t c = 0; c < width; ++c) {
            slot.left[c] = pixels[columns[c].left];
            slot.right[c] = pixels[columns[c].right];
        }
        slot.row = row;
        return slot;
    };

    const double y_scale = (in.rows - 1) / static_cast<double>(std::max(out.rows - 1, 1));
    double y = -y_scale;
    for (int r = 0; r < out.rows; ++r) {
        y += y_scale;
        const int top = static_cast<int>(std::floor(y));
        const double down = y - top;
        const Gathered& upper = gathered(top);
        const Gathered& lower = gathered(std::min(top + 1, in.rows - 1));
        const std::uint8_t *top_left = upper.left.data(), *top_right = upper.right.data();
        const std::uint8_t *bottom_left = lower.left.data(), *bottom_right = lower.right.data();
        std::uint8_t* row = out.ptr<std::uint8_t>(r);
        const float down_f = static_cast<float>(down), up_f = static_cast<float>(1 - down);
        for (int c = 0; c < rounded; ++c) {
            const float value = (up_f * rests[c]) * top_left[c] + (up_f * shares[c]) * top_right[c] +
                                (down_f * rests[c]) * bottom_left[c] + (down_f * shares[c]) * bottom_right[c];
            row[c] = static_cast<std::uint8_t>(static_cast<double>(value) + 0.5);
        }
        for (int c = rounded; c < out.cols; ++c) {
            const float value = static_cast<float>((1 - down) * (rests[c] * top_left[c] + shares[c] * top_right[c]) +
                                                   down * (rests[c] * bottom_left[c] + shares[c] * bottom_right[c]));
            row[c] = static_cast<std::uint8_t>(std::clamp(value, 0.0f, 255.0f));
        }
    }
}

cv::Size doubled_size(const cv::Size& size) {
    const dlib::pyramid_down<2> pyramid;
    const dlib::rectangle up = pyramid.rect_up(dlib::rectangle(static_cast<unsigned long>(size.width),
                                                                static_cast<unsigned long>(size.height)));
    if (up.is_empty()) return {};
    return {static_cast<int>(up.right() + 1), static_cast<int>(up.bottom() + 1)};
}

cv::Size five_sixths_size(const cv::Size& size) {
    return {static_cast<int>(5L * size.width / 6), static_cast<int>(5L * size.height / 6)};
}

}  // namespace facemix
