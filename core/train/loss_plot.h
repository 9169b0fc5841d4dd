#pragma once

#include <filesystem>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace facemix {

struct LossPoint {
    double step = 0;
    double loss = 0;
};

// The loss curve of a run as a picture for its folder and a model card: every step's loss as faint dots
// and their running mean (over ~1/50 of the run) as a line, loss on a log axis, steps along the bottom.
// Drawn with OpenCV so the CLI and core need no plotting library. Empty or non-positive losses are left
// out; fewer than two points give an empty frame with the axes.
cv::Mat plot_loss_curve(const std::vector<LossPoint>& points, int width = 720, int height = 400);

// Reads a trainer's loss.csv (step,loss,...); rows that do not parse are skipped.
std::vector<LossPoint> read_loss_csv(const std::filesystem::path& csv);

}  // namespace facemix
