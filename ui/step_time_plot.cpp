#include "step_time_plot.h"

#include <algorithm>
#include <cmath>

#include "counted_noun.h"
#include "plot_theme.h"

namespace facemix::ui {

StepTimePlot::StepTimePlot(QWidget* parent) : QCustomPlot(parent) {
    setMinimumSize(240, 120);  // low, so the Plots dock leaves the grid its room in a small window
    title_ = new QCPTextElement(this, QString(), QFont(font().family(), font().pointSize() + 1, QFont::Bold));
    plotLayout()->insertRow(0);
    plotLayout()->addElement(0, 0, title_);

    steps_ = addGraph();
    steps_->setName(tr("ms per step"));
    steps_->setPen(QPen(plot_colour_a(), 1.5));
    steps_->setBrush(QColor(plot_colour_a().red(), plot_colour_a().green(), plot_colour_a().blue(), 50));
    steps_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, plot_colour_a(), plot_colour_a(), 4));

    mean_line_ = new QCPItemStraightLine(this);
    mean_line_->setPen(QPen(plot_colour_b(), 1.5, Qt::DashLine));
    mean_line_->setVisible(false);

    xAxis->setLabel(tr("step"));
    yAxis->setLabel(tr("milliseconds"));
    xAxis->ticker()->setTickCount(6);
    applyTheme();
    updateSummary();
}

void StepTimePlot::addStep(double ms) {
    if (!std::isfinite(ms) || ms < 0.0) {
        qWarning("StepTimePlot: step time %g ms is not a duration", ms);
        return;
    }
    steps_->addData(stepCount() + 1, ms);
    total_ms_ += ms;
    max_ms_ = std::max(max_ms_, ms);
    updateSummary();
}

void StepTimePlot::clear() {
    steps_->data()->clear();
    total_ms_ = 0.0;
    max_ms_ = 0.0;
    updateSummary();
}

void StepTimePlot::changeEvent(QEvent* event) {
    QCustomPlot::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        applyTheme();
        replot(QCustomPlot::rpQueuedReplot);
    }
}

void StepTimePlot::applyTheme() { apply_plot_theme(*this); }

void StepTimePlot::updateSummary() {
    const int count = stepCount();
    if (count == 0) {
        title_->setText(tr("Time per step"));
    } else {
        const QString mean = QString::number(meanMs(), 'f', meanMs() < 10.0 ? 2 : 1);
        title_->setText(tr("Time per step: mean %1 ms over %2").arg(mean, counted(count, tr("step"), tr("steps"))));
    }
    mean_line_->setVisible(count > 0);
    mean_line_->point1->setCoords(0.0, meanMs());
    mean_line_->point2->setCoords(1.0, meanMs());
    // Whole steps on x with room for at least ten; y from 0 so the spikes compare to the floor.
    xAxis->setRange(0.5, std::max(count, 10) + 0.5);
    yAxis->setRange(0.0, max_ms_ > 0.0 ? max_ms_ * 1.15 : 1.0);
    replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace facemix::ui
