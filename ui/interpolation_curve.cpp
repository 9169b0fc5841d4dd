#include "interpolation_curve.h"

#include <algorithm>
#include <cmath>

#include "plot_theme.h"

namespace facemix::ui {

namespace {

void style_curve(QCPGraph* graph, const QColor& colour) {
    graph->setPen(QPen(colour, 2));
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, colour, colour, 6));
    graph->setLineStyle(QCPGraph::lsLine);
}

}  // namespace

InterpolationCurve::InterpolationCurve(QWidget* parent) : QCustomPlot(parent) {
    setMinimumSize(240, 120);  // low, so the Plots dock leaves the grid its room in a small window
    title_ = new QCPTextElement(this, tr("Closeness along the slider"), QFont(font().family(), font().pointSize() + 1, QFont::Bold));
    plotLayout()->insertRow(0);
    plotLayout()->addElement(0, 0, title_);

    curve_a_ = addGraph();
    curve_b_ = addGraph();
    style_curve(curve_a_, plot_colour_a());
    style_curve(curve_b_, plot_colour_b());
    setEndpointNames({}, {});

    cursor_ = new QCPItemStraightLine(this);
    cursor_->setPen(QPen(plot_cursor_colour(), 1.5, Qt::DashLine));
    setCursorPosition(0.0);

    xAxis->setLabel(tr("slider position (A → B)"));
    yAxis->setLabel(tr("cosine similarity"));
    xAxis->setRange(-0.02, 1.02);  // the endpoints' dots stay whole
    legend->setVisible(true);
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignHCenter);
    applyTheme();
    updateValueRange();
}

double InterpolationCurve::cursorPosition() const { return cursor_->point1->coords().x(); }

void InterpolationCurve::setEndpointNames(const QString& a, const QString& b) {
    curve_a_->setName(tr("closeness to %1").arg(a.isEmpty() ? QStringLiteral("A") : a));
    curve_b_->setName(tr("closeness to %1").arg(b.isEmpty() ? QStringLiteral("B") : b));
    replot(QCustomPlot::rpQueuedReplot);
}

void InterpolationCurve::addPoint(double position, double toA, double toB) {
    if (!std::isfinite(position) || position < 0.0 || position > 1.0) {
        qWarning("InterpolationCurve: slider position %g is outside [0, 1]", position);
        return;
    }
    if (!std::isfinite(toA) || !std::isfinite(toB)) {
        qWarning("InterpolationCurve: closeness at %g is not a number", position);
        return;
    }
    // QCPDataContainer keeps its points sorted by key; removing the same key first makes a re-preview
    // replace its point instead of drawing a zigzag through two.
    for (QCPGraph* graph : {curve_a_, curve_b_}) graph->data()->remove(position);
    curve_a_->addData(position, toA);
    curve_b_->addData(position, toB);
    updateValueRange();
    replot(QCustomPlot::rpQueuedReplot);
}

void InterpolationCurve::setCursorPosition(double position) {
    position = std::isfinite(position) ? std::clamp(position, 0.0, 1.0) : 0.0;
    cursor_->point1->setCoords(position, 0.0);
    cursor_->point2->setCoords(position, 1.0);
    replot(QCustomPlot::rpQueuedReplot);
}

void InterpolationCurve::clear() {
    curve_a_->data()->clear();
    curve_b_->data()->clear();
    updateValueRange();
    replot(QCustomPlot::rpQueuedReplot);
}

void InterpolationCurve::changeEvent(QEvent* event) {
    QCustomPlot::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        applyTheme();
        replot(QCustomPlot::rpQueuedReplot);
    }
}

void InterpolationCurve::applyTheme() { apply_plot_theme(*this); }

void InterpolationCurve::updateValueRange() {
    // Up to 1 (identical) always; down to 0 unless a value goes below, so curves from different runs
    // share a scale and a dip below zero is still shown.
    double low = 0.0;
    for (QCPGraph* graph : {curve_a_, curve_b_}) {
        bool found = false;
        const QCPRange range = graph->getValueRange(found);
        if (found) low = std::min(low, range.lower);
    }
    yAxis->setRange(low - 0.05, 1.05);
}

}  // namespace facemix::ui
