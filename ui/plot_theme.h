#pragma once

#include <QColor>

class QCustomPlot;

namespace facemix::ui {

// Colours the plots' frame (background, axes, grid, tick labels, legend) from the widget's palette, so
// the plots sit in the studio's dark Fusion palette and still read on a light one. Data colours are
// fixed mid-saturation hues chosen to read on both.
void apply_plot_theme(QCustomPlot& plot);

// The two curve colours and the cursor colour, shared by the plots that draw them.
QColor plot_colour_a();
QColor plot_colour_b();
QColor plot_cursor_colour();

}  // namespace facemix::ui
