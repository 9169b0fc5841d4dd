#include "train/shape_canvas.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <opencv2/imgproc.hpp>

namespace facemix {
namespace {

constexpr double kPi = 3.14159265358979323846;
// OpenCV's fractional-coordinate bits: points are given in 1/256 px.
constexpr int kShift = 8;
constexpr double kFixedOne = 1 << kShift;

}  // namespace

SinCos sin_cos_degrees(double degrees) {
    // Reduce to [0, 360) and then to the nearest multiple of 90; both steps are exact in binary64 for
    // the angles used here (integers and short fractions).
    double d = degrees - 360.0 * std::floor(degrees / 360.0);
    const int quadrant = static_cast<int>(std::floor((d + 45.0) / 90.0));
    d -= 90.0 * quadrant;
    const double x = d * (kPi / 180.0);
    const double x2 = x * x;
    // Taylor series to x^17 / x^18: below 1e-16 error on |x| <= pi/4.
    double s = 1.0, c = 1.0;
    for (int k = 17; k >= 3; k -= 2) s = 1.0 - s * x2 / (k * (k - 1));
    s *= x;
    for (int k = 18; k >= 2; k -= 2) c = 1.0 - c * x2 / (k * (k - 1));
    switch (quadrant & 3) {
        case 0: return {s, c};
        case 1: return {c, -s};
        case 2: return {-s, -c};
        default: return {-c, s};
    }
}

Polygon ellipse_arc(cv::Point2d centre, double rx, double ry, double from_degrees, double to_degrees, int points) {
    Polygon arc;
    arc.reserve(static_cast<std::size_t>(points));
    for (int i = 0; i < points; ++i) {
        const double t = from_degrees + (to_degrees - from_degrees) * i / (points - 1);
        const SinCos a = sin_cos_degrees(t);
        arc.emplace_back(centre.x + rx * a.cos, centre.y + ry * a.sin);
    }
    return arc;
}

Polygon ellipse_polygon(cv::Point2d centre, double rx, double ry, double rotation_degrees, int points) {
    const SinCos r = sin_cos_degrees(rotation_degrees);
    Polygon outline;
    outline.reserve(static_cast<std::size_t>(points));
    for (int i = 0; i < points; ++i) {
        const SinCos a = sin_cos_degrees(360.0 * i / points);
        const double x = rx * a.cos, y = ry * a.sin;
        outline.emplace_back(centre.x + x * r.cos - y * r.sin, centre.y + x * r.sin + y * r.cos);
    }
    return outline;
}

Polygon quadratic_curve(cv::Point2d a, cv::Point2d control, cv::Point2d b, int points) {
    Polygon curve;
    for (int i = 0; i < points; ++i) {
        const double t = static_cast<double>(i) / (points - 1), u = 1.0 - t;
        curve.push_back(a * (u * u) + control * (2 * u * t) + b * (t * t));
    }
    return curve;
}

Polygon cubic_curve(cv::Point2d a, cv::Point2d c1, cv::Point2d c2, cv::Point2d b, int points) {
    Polygon curve;
    for (int i = 0; i < points; ++i) {
        const double t = static_cast<double>(i) / (points - 1), u = 1.0 - t;
        curve.push_back(a * (u * u * u) + c1 * (3 * u * u * t) + c2 * (3 * u * t * t) + b * (t * t * t));
    }
    return curve;
}

Polygon band(const Polygon& spine, double start_width, double end_width) {
    const std::size_t n = spine.size();
    Polygon left, right;
    for (std::size_t i = 0; i < n; ++i) {
        const cv::Point2d before = spine[i == 0 ? 0 : i - 1], after = spine[i + 1 == n ? n - 1 : i + 1];
        cv::Point2d tangent = after - before;
        const double length = std::sqrt(tangent.dot(tangent));
        tangent = length > 0 ? tangent * (1.0 / length) : cv::Point2d(1, 0);
        const cv::Point2d normal(-tangent.y, tangent.x);
        const double t = n > 1 ? static_cast<double>(i) / static_cast<double>(n - 1) : 0.0;
        const double half = 0.5 * (start_width + (end_width - start_width) * t);
        left.push_back(spine[i] + normal * half);
        right.push_back(spine[i] - normal * half);
    }
    std::reverse(right.begin(), right.end());
    return join(std::move(left), right);
}

Polygon rounded_rect(cv::Rect2d rect, double radius, int corner_points) {
    radius = std::min({radius, rect.width / 2, rect.height / 2});
    const double l = rect.x + radius, r = rect.x + rect.width - radius;
    const double t = rect.y + radius, b = rect.y + rect.height - radius;
    Polygon outline = ellipse_arc({r, b}, radius, radius, 0, 90, corner_points);
    outline = join(std::move(outline), ellipse_arc({l, b}, radius, radius, 90, 180, corner_points));
    outline = join(std::move(outline), ellipse_arc({l, t}, radius, radius, 180, 270, corner_points));
    return join(std::move(outline), ellipse_arc({r, t}, radius, radius, 270, 360, corner_points));
}

Polygon join(Polygon a, const Polygon& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

ShapeCanvas::ShapeCanvas(int size) : image_(size, size, CV_8UC3, cv::Scalar::all(0)), pixels_per_unit_(size / 512.0) {}

void ShapeCanvas::set_transform(const DesignTransform& transform) {
    transform_ = transform;
    const SinCos r = sin_cos_degrees(transform.roll_degrees);
    cos_ = r.cos * transform.scale;
    sin_ = r.sin * transform.scale;
}

std::vector<std::vector<cv::Point>> ShapeCanvas::to_fixed_point(const std::vector<Polygon>& shapes) const {
    std::vector<std::vector<cv::Point>> fixed;
    fixed.reserve(shapes.size());
    for (const auto& shape : shapes) {
        auto& out = fixed.emplace_back();
        out.reserve(shape.size());
        for (const auto& p : shape) {
            const double dx = p.x - transform_.pivot.x, dy = p.y - transform_.pivot.y;
            const double x = transform_.pivot.x + transform_.shift.x + dx * cos_ - dy * sin_;
            const double y = transform_.pivot.y + transform_.shift.y + dx * sin_ + dy * cos_;
            // Design unit u covers pixel u * size / 512; OpenCV puts integer coordinates at pixel centres.
            out.emplace_back(static_cast<int>(std::lround((x * pixels_per_unit_ - 0.5) * kFixedOne)),
                             static_cast<int>(std::lround((y * pixels_per_unit_ - 0.5) * kFixedOne)));
        }
    }
    return fixed;
}

namespace {

// Pixel bounds of fixed-point outlines, one pixel of anti-aliasing around them, within the image.
cv::Rect pixel_bounds(const std::vector<std::vector<cv::Point>>& shapes, int size) {
    int x0 = INT32_MAX, y0 = INT32_MAX, x1 = INT32_MIN, y1 = INT32_MIN;
    for (const auto& shape : shapes)
        for (const auto& p : shape) {
            x0 = std::min(x0, p.x), y0 = std::min(y0, p.y), x1 = std::max(x1, p.x), y1 = std::max(y1, p.y);
        }
    if (x0 > x1) return {};
    const cv::Rect bounds((x0 >> kShift) - 2, (y0 >> kShift) - 2, (x1 >> kShift) - (x0 >> kShift) + 5,
                          (y1 >> kShift) - (y0 >> kShift) + 5);
    return bounds & cv::Rect(0, 0, size, size);
}

// Coverage (0-255) of the union of the outlines within `roi`. One fillPoly call per outline: a single
// call fills by parity, which would cut holes where outlines overlap.
cv::Mat coverage(std::vector<std::vector<cv::Point>> shapes, const cv::Rect& roi) {
    cv::Mat mask(roi.size(), CV_8UC1, cv::Scalar(0));
    for (auto& shape : shapes) {
        for (auto& p : shape) p -= cv::Point(roi.x << kShift, roi.y << kShift);
        const cv::Point* points = shape.data();
        const int count = static_cast<int>(shape.size());
        cv::fillPoly(mask, &points, &count, 1, cv::Scalar(255), cv::LINE_AA, kShift);
    }
    return mask;
}

}  // namespace

void ShapeCanvas::fill(const std::vector<Polygon>& shapes, const cv::Scalar& colour, int opacity,
                       const std::vector<Polygon>& clip) {
    const auto fixed = to_fixed_point(shapes);
    const cv::Rect roi = pixel_bounds(fixed, size());
    if (roi.empty() || opacity <= 0) return;
    cv::Mat mask = coverage(fixed, roi);
    if (!clip.empty()) {
        const cv::Mat clip_mask = coverage(to_fixed_point(clip), roi);
        for (int y = 0; y < roi.height; ++y) {
            auto* m = mask.ptr<std::uint8_t>(y);
            const auto* c = clip_mask.ptr<std::uint8_t>(y);
            for (int x = 0; x < roi.width; ++x) m[x] = static_cast<std::uint8_t>((m[x] * c[x] + 127) / 255);
        }
    }
    const int colour_bgr[3] = {static_cast<int>(colour[0]), static_cast<int>(colour[1]), static_cast<int>(colour[2])};
    opacity = std::min(opacity, 255);
    for (int y = 0; y < roi.height; ++y) {
        const auto* m = mask.ptr<std::uint8_t>(y);
        auto* pixel = image_.ptr<std::uint8_t>(roi.y + y) + 3 * roi.x;
        for (int x = 0; x < roi.width; ++x, pixel += 3) {
            const int alpha = m[x] * opacity;  // 0 .. 255 * 255
            if (alpha == 0) continue;
            for (int ch = 0; ch < 3; ++ch)
                pixel[ch] = static_cast<std::uint8_t>((pixel[ch] * (65025 - alpha) + colour_bgr[ch] * alpha + 32512) / 65025);
        }
    }
}

}  // namespace facemix
