#pragma once

#include <optional>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace facemix {

// The grouped bar chart the evaluation reports draw (eval.png): a few series side by side per group, an
// axis from 0 to y_max, and optional horizontal reference lines (a ceiling, chance, a threshold). Drawn
// with OpenCV so the reports need nothing else.
struct BarSeries {
    std::string name;  // in the legend
    cv::Scalar colour;
};

struct BarGroup {
    std::string label;                         // under the group
    std::vector<std::optional<double>> values;  // one per series; nullopt draws nothing
};

struct ReferenceLine {
    std::string name;  // written at the line's right end
    double value = 0.0;
    cv::Scalar colour;
};

struct BarChart {
    std::string title;
    std::vector<BarSeries> series;
    std::vector<BarGroup> groups;
    std::vector<ReferenceLine> lines;
    double y_max = 1.0;  // values are clamped to [0, y_max]
};

// An 8-bit BGR image, at least 560 px wide, wider when the groups need it.
cv::Mat draw_bar_chart(const BarChart& chart);

}  // namespace facemix
