#include "plot_panel.h"

#include "interpolation_curve.h"
#include "similarity_heatmap.h"
#include "step_time_plot.h"

namespace facemix::ui {

PlotPanel::PlotPanel(QWidget* parent) : QTabWidget(parent) {
    setObjectName(QStringLiteral("plotPanel"));
    similarity_ = new SimilarityHeatmap(this);
    interpolation_ = new InterpolationCurve(this);
    step_times_ = new StepTimePlot(this);
    addTab(similarity_, tr("Identity"));
    addTab(interpolation_, tr("Interpolation"));
    addTab(step_times_, tr("Step time"));
}

}  // namespace facemix::ui
