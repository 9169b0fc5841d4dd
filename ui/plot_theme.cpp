#include "plot_theme.h"

#include <qcustomplot.h>

namespace facemix::ui {

namespace {

void theme_axis(QCPAxis* axis, const QColor& text, const QColor& line, const QColor& grid) {
    axis->setBasePen(QPen(line));
    axis->setTickPen(QPen(line));
    axis->setSubTickPen(QPen(line));
    axis->setTickLabelColor(text);
    axis->setLabelColor(text);
    axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
    axis->grid()->setZeroLinePen(QPen(line, 1, Qt::SolidLine));
}

}  // namespace

void apply_plot_theme(QCustomPlot& plot) {
    const QPalette& palette = plot.palette();
    const QColor background = palette.color(QPalette::Window);
    const QColor text = palette.color(QPalette::WindowText);
    // Axis lines halfway between text and background; grid lines a quarter of the way, so they guide
    // the eye without competing with the data.
    auto mix = [&](double t) {
        return QColor::fromRgbF(background.redF() + (text.redF() - background.redF()) * t,
                                background.greenF() + (text.greenF() - background.greenF()) * t,
                                background.blueF() + (text.blueF() - background.blueF()) * t);
    };
    plot.setBackground(background);
    for (QCPAxisRect* rect : plot.axisRects()) {
        rect->setBackground(palette.color(QPalette::Base));
        for (QCPAxis* axis : rect->axes()) theme_axis(axis, text, mix(0.5), mix(0.22));
    }
    if (plot.legend) {
        plot.legend->setBrush(palette.color(QPalette::Base));
        plot.legend->setBorderPen(QPen(mix(0.4)));
        plot.legend->setTextColor(text);
    }
    for (int i = 0; i < plot.plotLayout()->elementCount(); ++i)
        if (auto* title = qobject_cast<QCPTextElement*>(plot.plotLayout()->elementAt(i))) title->setTextColor(text);
}

QColor plot_colour_a() { return QColor(86, 180, 233); }    // sky blue
QColor plot_colour_b() { return QColor(230, 159, 0); }     // orange: tells apart from A for colour-blind eyes too
QColor plot_cursor_colour() { return QColor(204, 121, 167); }  // reddish purple

}  // namespace facemix::ui
