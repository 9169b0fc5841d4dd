#pragma once

#include <vector>

#include <opencv2/core/mat.hpp>
#include <opencv2/core/types.hpp>

namespace facemix {

// A painter of filled, anti-aliased shapes for the synthetic faces, reproducible to the byte: shapes
// are described in a 512-unit design space, mapped to the image in 1/256 px fixed point, rasterised
// by OpenCV's integer anti-aliasing into a coverage mask and blended in integers.

using Polygon = std::vector<cv::Point2d>;

// sin and cos of an angle in degrees from a Taylor polynomial on [-45, 45] degrees: only +, * and an
// exact quadrant reduction, so unlike libm the result is the same on every platform.
struct SinCos {
    double sin;
    double cos;
};
SinCos sin_cos_degrees(double degrees);

// Closed outlines and open curves, all in design units.
Polygon ellipse_polygon(cv::Point2d centre, double rx, double ry, double rotation_degrees = 0.0, int points = 64);
// The arc from `from_degrees` to `to_degrees` (0 = +x, 90 = +y, i.e. down), endpoints included.
Polygon ellipse_arc(cv::Point2d centre, double rx, double ry, double from_degrees, double to_degrees, int points);
Polygon quadratic_curve(cv::Point2d a, cv::Point2d control, cv::Point2d b, int points = 24);
Polygon cubic_curve(cv::Point2d a, cv::Point2d c1, cv::Point2d c2, cv::Point2d b, int points = 32);
// A band along a polyline whose width goes linearly from `start_width` to `end_width`.
Polygon band(const Polygon& spine, double start_width, double end_width);
Polygon rounded_rect(cv::Rect2d rect, double radius, int corner_points = 8);
// Appends b to a (for building one outline from several pieces).
Polygon join(Polygon a, const Polygon& b);

// Where design units land in the image: a similarity (scale, roll about a pivot, shift) for the head,
// identity for the background, then design -> pixels.
struct DesignTransform {
    cv::Point2d pivot{256.0, 256.0};
    double scale = 1.0;
    double roll_degrees = 0.0;
    cv::Point2d shift{0.0, 0.0};
};

class ShapeCanvas {
public:
    explicit ShapeCanvas(int size);

    int size() const { return image_.rows; }
    cv::Mat& image() { return image_; }
    void set_transform(const DesignTransform& transform);

    // Fills the union of `shapes` with `colour` (BGR) at `opacity` (0-255); with `clip`, only where
    // the union of `clip` also covers (an iris inside its eye).
    void fill(const std::vector<Polygon>& shapes, const cv::Scalar& colour, int opacity = 255,
              const std::vector<Polygon>& clip = {});
    void fill(const Polygon& shape, const cv::Scalar& colour, int opacity = 255) {
        fill(std::vector<Polygon>{shape}, colour, opacity);
    }

private:
    std::vector<std::vector<cv::Point>> to_fixed_point(const std::vector<Polygon>& shapes) const;

    cv::Mat image_;
    double pixels_per_unit_;
    double cos_ = 1.0, sin_ = 0.0;
    DesignTransform transform_;
};

}  // namespace facemix
