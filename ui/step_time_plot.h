#pragma once

#include <qcustomplot.h>

namespace facemix::ui {

// Milliseconds per denoising step as the steps arrive, numbered from 1, with their mean as a dashed
// line and in the title. A step that runs long (a first call compiling kernels, a thermal throttle,
// another process on the GPU) shows as a spike. Takes numbers only.
class StepTimePlot : public QCustomPlot {
    Q_OBJECT
public:
    explicit StepTimePlot(QWidget* parent = nullptr);

    QCPGraph* steps() const { return steps_; }
    QCPItemStraightLine* meanLine() const { return mean_line_; }
    QCPTextElement* title() const { return title_; }
    int stepCount() const { return steps_->dataCount(); }
    // 0 when no step has arrived.
    double meanMs() const { return stepCount() ? total_ms_ / stepCount() : 0.0; }

public slots:
    // Ignored, with a warning, for a time that is negative or not a finite number.
    void addStep(double ms);
    void clear();

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyTheme();
    void updateSummary();

    QCPGraph* steps_ = nullptr;
    QCPItemStraightLine* mean_line_ = nullptr;
    QCPTextElement* title_ = nullptr;
    double total_ms_ = 0.0;
    double max_ms_ = 0.0;
};

}  // namespace facemix::ui
