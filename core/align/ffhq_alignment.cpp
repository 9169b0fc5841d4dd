#include "align/ffhq_alignment.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace facemix {
namespace {

constexpr int kTransformOversampling = 4;  // the recipe transforms at 4096 px for a 1024 px output

struct Bounds {
    double min_x, min_y, max_x, max_y;
};

Bounds bounds_of(const std::array<cv::Point2d, 4>& corners) {
    Bounds b{corners[0].x, corners[0].y, corners[0].x, corners[0].y};
    for (const auto& p : corners) {
        b.min_x = std::min(b.min_x, p.x);
        b.min_y = std::min(b.min_y, p.y);
        b.max_x = std::max(b.max_x, p.x);
        b.max_y = std::max(b.max_y, p.y);
    }
    return b;
}

int rint(double v) { return static_cast<int>(std::nearbyint(v)); }

// Per-channel median of an image whose values are whole numbers in [0, 255], as np.median computes it.
cv::Scalar median_of_uint8_values(const cv::Mat& image_u8) {
    CV_Assert(image_u8.type() == CV_8UC3);
    // Row pointers, not cv::MatIterator: the iterator's per-pixel bookkeeping made this histogram most
    // of the time of aligning a face whose square reaches far outside a large photo.
    std::array<std::array<std::size_t, 256>, 3> histograms{};
    for (int y = 0; y < image_u8.rows; ++y) {
        const std::uint8_t* pixel = image_u8.ptr<std::uint8_t>(y);
        for (int x = 0; x < image_u8.cols; ++x, pixel += 3)
            for (std::size_t c = 0; c < 3; ++c) ++histograms[c][pixel[c]];
    }
    cv::Scalar median;
    const std::size_t n = image_u8.total();
    for (std::size_t c = 0; c < histograms.size(); ++c) {
        const auto& histogram = histograms[c];
        auto value_at = [&](std::size_t rank) {
            std::size_t seen = 0;
            for (int v = 0; v < 256; ++v) {
                seen += histogram[static_cast<std::size_t>(v)];
                if (seen > rank) return v;
            }
            return 255;
        };
        median[static_cast<int>(c)] = n % 2 ? value_at(n / 2) : 0.5 * (value_at(n / 2 - 1) + value_at(n / 2));
    }
    return median;
}

// A Gaussian blur of `sigma` (truncated at 4 sigma, as scipy's gaussian_filter) of an 8-bit image, in
// floats. The band's blur is wide (2% of the face: 30 px for a face that fills a 1024 px photo, where a
// full-size blur took most of a second) and only ever seen outside the photo, so it is computed on a
// copy shrunk until sigma is about 4 px there and enlarged again: the area shrink and the bilinear
// enlargement add a blur far narrower than sigma, under a level of difference on real photos.
cv::Mat wide_blur(const cv::Mat& image_u8, double sigma) {
    constexpr double kSigmaAfterShrink = 4.0;
    const auto gaussian = [](const cv::Mat& from_u8, double s) {
        cv::Mat to;
        from_u8.convertTo(to, CV_32FC3);
        const int radius = static_cast<int>(4.0 * s + 0.5);
        if (radius > 0) cv::GaussianBlur(to, to, cv::Size(2 * radius + 1, 2 * radius + 1), s, s, cv::BORDER_REFLECT);
        return to;
    };
    const int shrink = static_cast<int>(sigma / kSigmaAfterShrink);
    if (shrink < 2) return gaussian(image_u8, sigma);
    cv::Mat small;
    cv::resize(image_u8, small, cv::Size((image_u8.cols + shrink - 1) / shrink, (image_u8.rows + shrink - 1) / shrink), 0, 0,
               cv::INTER_AREA);
    cv::Mat blurred;
    cv::resize(gaussian(small, sigma * small.cols / image_u8.cols), blurred, image_u8.size(), 0, 0, cv::INTER_LINEAR);
    return blurred;
}

// Fills the band around the photo that the square needs: the photo reflected outwards, blended towards
// a blurred copy and towards the median colour the further a pixel lies outside the photo, so the
// aligned image has no hard mirrored edges. The recipe computes its blend from the distance to the
// padded border, which reaches a third of the pad back into the photo and blurs the face of tightly
// framed photos; here the blend is measured from the photo's own edge, so every pixel of the photo
// keeps its value and the ramp lies wholly in the band, the only pixels this visits.
cv::Mat reflect_pad_with_blur(const cv::Mat& image_u8, const std::array<int, 4>& pad, double qsize) {
    const int left = pad[0], top = pad[1], right = pad[2], bottom = pad[3];
    cv::Mat padded;
    cv::copyMakeBorder(image_u8, padded, top, bottom, left, right, cv::BORDER_REFLECT_101);
    const cv::Scalar median = median_of_uint8_values(padded);
    const cv::Mat blurred = wide_blur(padded, qsize * 0.02);

    // Distance outside the photo along one axis, as a share of that side's band (0 inside the photo).
    const auto outside = [](int at, int first, int last, int before, int after) {
        if (at < first) return static_cast<float>(first - at) / static_cast<float>(std::max(before, 1));
        if (at > last) return static_cast<float>(at - last) / static_cast<float>(std::max(after, 1));
        return 0.0f;
    };
    const int w = padded.cols, h = padded.rows;
    const auto blend = [&](int y, int x, float my) {
        const float mask = std::max(outside(x, left, w - 1 - right, left, right), my);
        // Fully blurred a third of the way out, fully the median colour at the band's end.
        const float to_blur = std::min(mask * 3.0f, 1.0f);
        const float to_median = std::min(mask, 1.0f);
        auto& pixel = padded.at<cv::Vec3b>(y, x);
        const auto& soft = blurred.at<cv::Vec3f>(y, x);
        for (int c = 0; c < 3; ++c) {
            float v = pixel[c];
            v += (soft[c] - v) * to_blur;
            v += (static_cast<float>(median[c]) - v) * to_median;
            pixel[c] = cv::saturate_cast<std::uint8_t>(v);  // rounds to nearest and saturates, as np.clip(np.rint(...))
        }
    };
    for (int y = 0; y < h; ++y) {
        const float my = outside(y, top, h - 1 - bottom, top, bottom);
        if (my > 0.0f) {
            for (int x = 0; x < w; ++x) blend(y, x, my);
            continue;
        }
        for (int x = 0; x < left; ++x) blend(y, x, my);
        for (int x = w - right; x < w; ++x) blend(y, x, my);
    }
    return padded;
}

}  // namespace

FfhqQuad ffhq_quad(const Landmarks& points) {
    const cv::Point2d eye_left = left_eye_centre(points);
    const cv::Point2d eye_right = right_eye_centre(points);
    const cv::Point2d eye_avg = (eye_left + eye_right) * 0.5;
    const cv::Point2d eye_to_eye = eye_right - eye_left;
    const cv::Point2d eye_to_mouth = mouth_centre(points) - eye_avg;

    // x runs along the eyes, tilted by the eye-to-mouth direction turned a quarter; its length is set
    // by whichever of the two distances dominates, so long and wide faces both fit the square.
    cv::Point2d x = eye_to_eye - cv::Point2d(-eye_to_mouth.y, eye_to_mouth.x);
    x /= std::hypot(x.x, x.y);
    x *= std::max(std::hypot(eye_to_eye.x, eye_to_eye.y) * 2.0, std::hypot(eye_to_mouth.x, eye_to_mouth.y) * 1.8);
    const cv::Point2d y(-x.y, x.x);
    const cv::Point2d c = eye_avg + eye_to_mouth * 0.1;

    FfhqQuad quad;
    quad.corners = {c - x - y, c - x + y, c + x + y, c + x - y};
    quad.size = std::hypot(x.x, x.y) * 2.0;
    return quad;
}

namespace {

// Aligned pixel (u, v) -> photo pixel, for an aligned image of `size` px (pixel centres at +0.5).
cv::Matx23d aligned_to_photo(const std::array<cv::Point2d, 4>& corners, int size) {
    const cv::Point2d across = (corners[3] - corners[0]) / size;
    const cv::Point2d down = (corners[1] - corners[0]) / size;
    const cv::Point2d origin = corners[0] + (across + down) * 0.5;
    return {across.x, down.x, origin.x, across.y, down.y, origin.y};
}

}  // namespace

cv::Matx23d photo_to_aligned(const FfhqQuad& quad, int size) {
    cv::Matx23d inverse;
    cv::invertAffineTransform(aligned_to_photo(quad.corners, size), inverse);
    return inverse;
}

double ffhq_outside_share(const FfhqQuad& quad, const cv::Size& photo) {
    // Sampled on a grid fine enough for a share to a tenth of a percent; the footprint is a convex
    // polygon, so the count converges quickly.
    constexpr int kSamples = 256;
    const cv::Matx23d to_photo = aligned_to_photo(quad.corners, kSamples);
    int outside = 0;
    for (int v = 0; v < kSamples; ++v)
        for (int u = 0; u < kSamples; ++u) {
            const double x = to_photo(0, 0) * u + to_photo(0, 1) * v + to_photo(0, 2);
            const double y = to_photo(1, 0) * u + to_photo(1, 1) * v + to_photo(1, 2);
            if (x < 0 || y < 0 || x >= photo.width || y >= photo.height) ++outside;
        }
    return static_cast<double>(outside) / (kSamples * kSamples);
}

cv::Mat warp_ffhq(const cv::Mat& bgr, const FfhqQuad& original, int size) {
    CV_Assert(bgr.type() == CV_8UC3 && size > 0);
    std::array<cv::Point2d, 4> quad = original.corners;
    double qsize = original.size;
    cv::Mat image = bgr;

    // Shrink: resampling a quad many times the output size through bilinear taps would alias.
    const int shrink = static_cast<int>(std::floor(qsize / size * 0.5));
    if (shrink > 1) {
        const cv::Size shrunk(rint(static_cast<double>(image.cols) / shrink), rint(static_cast<double>(image.rows) / shrink));
        cv::resize(image, image, shrunk, 0, 0, cv::INTER_AREA);
        for (auto& p : quad) p /= static_cast<double>(shrink);
        qsize /= shrink;
    }

    // Crop to the quad plus a border.
    const int border = std::max(rint(qsize * 0.1), 3);
    Bounds b = bounds_of(quad);
    const int crop_x0 = std::max(static_cast<int>(std::floor(b.min_x)) - border, 0);
    const int crop_y0 = std::max(static_cast<int>(std::floor(b.min_y)) - border, 0);
    const int crop_x1 = std::min(static_cast<int>(std::ceil(b.max_x)) + border, image.cols);
    const int crop_y1 = std::min(static_cast<int>(std::ceil(b.max_y)) + border, image.rows);
    if (crop_x1 <= crop_x0 || crop_y1 <= crop_y0) throw InputError("the face lies outside the photo");
    if (crop_x1 - crop_x0 < image.cols || crop_y1 - crop_y0 < image.rows) {
        image = image(cv::Rect(crop_x0, crop_y0, crop_x1 - crop_x0, crop_y1 - crop_y0));
        for (auto& p : quad) p -= cv::Point2d(crop_x0, crop_y0);
    }

    // Pad where the quad reaches outside the photo.
    b = bounds_of(quad);
    std::array<int, 4> pad = {std::max(-static_cast<int>(std::floor(b.min_x)) + border, 0),
                              std::max(-static_cast<int>(std::floor(b.min_y)) + border, 0),
                              std::max(static_cast<int>(std::ceil(b.max_x)) - image.cols + border, 0),
                              std::max(static_cast<int>(std::ceil(b.max_y)) - image.rows + border, 0)};
    if (*std::max_element(pad.begin(), pad.end()) > border - 4) {
        const int minimum = std::max(rint(qsize * 0.3), 1);
        for (int& p : pad) p = std::max(p, minimum);
        image = reflect_pad_with_blur(image, pad, qsize);
        for (auto& p : quad) p += cv::Point2d(pad[0], pad[1]);
    }

    // Transform at 4x, then area-downsample.
    const int transform_size = size * kTransformOversampling;
    cv::Mat transformed;
    cv::warpAffine(image, transformed, cv::Mat(aligned_to_photo(quad, transform_size)), cv::Size(transform_size, transform_size),
                   cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_REPLICATE);
    cv::Mat aligned;
    cv::resize(transformed, aligned, cv::Size(size, size), 0, 0, cv::INTER_AREA);
    return aligned;
}

}  // namespace facemix
