#include "eval/bar_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <opencv2/imgproc.hpp>

namespace facemix {

cv::Mat draw_bar_chart(const BarChart& chart) {
    constexpr int kBar = 16, kGap = 20, kLeft = 56, kTop = 70, kPlot = 300, kBottom = 40, kRight = 96;
    const int font = cv::FONT_HERSHEY_SIMPLEX;
    const int series = static_cast<int>(chart.series.size());
    const int group_width = series * kBar + kGap;
    // Wide enough for the groups, the title and the legend on one line.
    int baseline = 0;
    int legend_width = 0;
    for (const auto& entry : chart.series) legend_width += 16 + cv::getTextSize(entry.name, font, 0.45, 1, &baseline).width + 24;
    const int title_width = cv::getTextSize(chart.title, font, 0.55, 1, &baseline).width + 16;
    const int width = std::max({kLeft + static_cast<int>(chart.groups.size()) * group_width + kRight, kLeft + legend_width,
                                kLeft + title_width, 560});
    cv::Mat plot(kTop + kPlot + kBottom, width, CV_8UC3, cv::Scalar(255, 255, 255));
    const cv::Scalar ink(40, 40, 40), grid(220, 220, 220);
    cv::putText(plot, chart.title, {kLeft, 24}, font, 0.55, ink, 1, cv::LINE_AA);
    int legend_x = kLeft;
    for (const auto& entry : chart.series) {
        cv::rectangle(plot, cv::Rect(legend_x, 38, 12, 12), entry.colour, cv::FILLED);
        cv::putText(plot, entry.name, {legend_x + 16, 49}, font, 0.45, ink, 1, cv::LINE_AA);
        legend_x += 16 + cv::getTextSize(entry.name, font, 0.45, 1, &baseline).width + 24;
    }
    const double y_max = chart.y_max > 0.0 ? chart.y_max : 1.0;
    const int bottom = kTop + kPlot;
    const auto y_of = [&](double value) { return bottom - static_cast<int>(std::lround(std::clamp(value / y_max, 0.0, 1.0) * kPlot)); };
    for (int tick = 0; tick <= 4; ++tick) {
        const int y = bottom - tick * kPlot / 4;
        cv::line(plot, {kLeft - 4, y}, {width - kRight + 8, y}, tick == 0 ? ink : grid, 1);
        char label[16];
        std::snprintf(label, sizeof label, "%.2f", tick * y_max / 4);
        cv::putText(plot, label, {6, y + 5}, font, 0.42, ink, 1, cv::LINE_AA);
    }
    for (std::size_t g = 0; g < chart.groups.size(); ++g) {
        const auto& group = chart.groups[g];
        const int left = kLeft + static_cast<int>(g) * group_width + kGap / 2;
        for (int k = 0; k < series && k < static_cast<int>(group.values.size()); ++k) {
            if (!group.values[static_cast<std::size_t>(k)]) continue;
            const int top = y_of(*group.values[static_cast<std::size_t>(k)]);
            if (top < bottom)
                cv::rectangle(plot, cv::Rect(left + k * kBar, top, kBar - 1, bottom - top), chart.series[static_cast<std::size_t>(k)].colour,
                              cv::FILLED);
        }
        cv::putText(plot, group.label, {left, bottom + 18}, font, 0.4, ink, 1, cv::LINE_AA);
    }
    // Reference lines go over the bars so a bar reaching past one still shows where it is.
    for (const auto& line : chart.lines) {
        const int y = y_of(line.value);
        cv::line(plot, {kLeft - 4, y}, {width - kRight + 8, y}, line.colour, 1, cv::LINE_AA);
        cv::putText(plot, line.name, {width - kRight + 12, y + 4}, font, 0.4, line.colour, 1, cv::LINE_AA);
    }
    return plot;
}

}  // namespace facemix
