#pragma once

#include <QList>

class QDockWidget;
class QMainWindow;
class QWidget;

namespace facemix::ui {

// The panels that dock around the grid.
struct StudioPanels {
    QWidget* faces = nullptr;
    QWidget* backgrounds = nullptr;
    QWidget* model = nullptr;
    QWidget* settings = nullptr;
    QWidget* log = nullptr;
    QWidget* plots = nullptr;
    QWidget* interpolation = nullptr;
};

// Docks the panels in the studio's default layout: faces down the left, backgrounds along the top, the
// model over the settings (tabbed with the interpolation) on the right, the log (tabbed with the plots)
// below. Returns the docks in the order above; each is named for QMainWindow::saveState().
QList<QDockWidget*> dock_studio_panels(QMainWindow* window, const StudioPanels& panels);

}  // namespace facemix::ui
