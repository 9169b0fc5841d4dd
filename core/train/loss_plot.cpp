#include "train/loss_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>

#include <opencv2/imgproc.hpp>

namespace facemix {
namespace {

const cv::Scalar kBackground(255, 255, 255);
const cv::Scalar kAxis(60, 60, 60);
const cv::Scalar kGrid(225, 225, 225);
const cv::Scalar kDots(200, 190, 175);
const cv::Scalar kLine(170, 90, 30);  // BGR: a dark blue

void label(cv::Mat& image, const std::string& text, cv::Point at, double scale = 0.42) {
    cv::putText(image, text, at, cv::FONT_HERSHEY_SIMPLEX, scale, kAxis, 1, cv::LINE_AA);
}

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

}  // namespace

cv::Mat plot_loss_curve(const std::vector<LossPoint>& all, int width, int height) {
    std::vector<LossPoint> points;
    for (const LossPoint& point : all)
        if (std::isfinite(point.loss) && point.loss > 0 && std::isfinite(point.step)) points.push_back(point);
    cv::Mat image(height, width, CV_8UC3, kBackground);
    const cv::Rect area(64, 30, width - 84, height - 74);
    label(image, "training loss (epsilon MSE, log scale)", {area.x, 20}, 0.5);
    label(image, "step", {area.x + area.width / 2 - 14, height - 10});
    if (points.size() >= 2) {
        double low = points[0].loss, high = points[0].loss;
        for (const LossPoint& point : points) {
            low = std::min(low, point.loss);
            high = std::max(high, point.loss);
        }
        // From a whole decade (labelled 0.01, 0.1, 1 …) up to the next quarter decade above the highest loss,
        // so a curve starting just above 1 does not waste a decade of height.
        const double decade_low = std::floor(std::log10(low));
        const double decade_high = std::max(decade_low + 1, std::ceil(std::log10(high) * 4) / 4);
        const double first = points.front().step, last = std::max(points.back().step, first + 1);
        const auto x_of = [&](double step) { return area.x + static_cast<int>(std::lround((step - first) / (last - first) * area.width)); };
        const auto y_of = [&](double loss) {
            return area.y + area.height -
                   static_cast<int>(std::lround((std::log10(loss) - decade_low) / (decade_high - decade_low) * area.height));
        };
        for (double decade = decade_low; decade <= decade_high; ++decade) {
            for (int mantissa = 1; mantissa < 10 && decade + std::log10(mantissa) <= decade_high; ++mantissa) {
                const int y = y_of(mantissa * std::pow(10.0, decade));
                cv::line(image, {area.x, y}, {area.x + area.width, y}, kGrid, 1);
            }
            if (decade <= decade_high) label(image, number(std::pow(10.0, decade)), {4, y_of(std::pow(10.0, decade)) + 4});
        }
        for (int tick = 0; tick <= 4; ++tick) {
            const double step = first + (last - first) * tick / 4;
            label(image, number(std::round(step)), {x_of(step) - 12, area.y + area.height + 18});
        }
        for (const LossPoint& point : points) cv::circle(image, {x_of(point.step), y_of(point.loss)}, 1, kDots, cv::FILLED);
        const std::size_t window = std::max<std::size_t>(1, points.size() / 50);
        std::vector<cv::Point> line;
        double sum = 0;
        for (std::size_t i = 0; i < points.size(); ++i) {
            sum += points[i].loss;
            if (i >= window) sum -= points[i - window].loss;
            if (i + 1 >= window) line.emplace_back(x_of(points[i].step), y_of(sum / static_cast<double>(window)));
        }
        cv::polylines(image, line, false, kLine, 2, cv::LINE_AA);
    }
    cv::rectangle(image, area, kAxis, 1);
    return image;
}

std::vector<LossPoint> read_loss_csv(const std::filesystem::path& csv) {
    std::vector<LossPoint> points;
    std::ifstream in(csv);
    std::string line;
    while (std::getline(in, line)) {
        LossPoint point;
        if (std::sscanf(line.c_str(), "%lf,%lf", &point.step, &point.loss) == 2) points.push_back(point);
    }
    return points;
}

}  // namespace facemix
