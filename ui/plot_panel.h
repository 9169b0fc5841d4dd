#pragma once

#include <QTabWidget>

namespace facemix::ui {

class SimilarityHeatmap;
class InterpolationCurve;
class StepTimePlot;

// The studio's plots in one dock-sized tab widget: face similarity per grid cell, the interpolation
// curve and time per denoising step. Owns the three plots; the window feeds them through their slots.
class PlotPanel : public QTabWidget {
    Q_OBJECT
public:
    explicit PlotPanel(QWidget* parent = nullptr);

    SimilarityHeatmap* similarity() const { return similarity_; }
    InterpolationCurve* interpolation() const { return interpolation_; }
    StepTimePlot* stepTimes() const { return step_times_; }

private:
    SimilarityHeatmap* similarity_ = nullptr;
    InterpolationCurve* interpolation_ = nullptr;
    StepTimePlot* step_times_ = nullptr;
};

}  // namespace facemix::ui
