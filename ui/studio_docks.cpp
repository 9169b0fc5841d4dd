#include "studio_docks.h"

#include <QDockWidget>
#include <QMainWindow>
#include <QScrollArea>

namespace facemix::ui {
namespace {

QDockWidget* dock(QMainWindow* window, const QString& title, const QString& name, QWidget* content, Qt::DockWidgetArea area) {
    auto* docked = new QDockWidget(title, window);
    docked->setObjectName(name);
    docked->setWidget(content);
    docked->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable | QDockWidget::DockWidgetClosable);
    window->addDockWidget(area, docked);
    return docked;
}

// Scrolls rather than forcing its full height on the window, so the studio fits small screens.
QScrollArea* scrolling(QMainWindow* window, QWidget* panel) {
    auto* scroll = new QScrollArea(window);
    scroll->setWidget(panel);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    return scroll;
}

}  // namespace

QList<QDockWidget*> dock_studio_panels(QMainWindow* window, const StudioPanels& panels) {
    const auto tr = [](const char* text) { return QMainWindow::tr(text); };
    window->setDockNestingEnabled(true);
    // The side columns run the window's full height; Backgrounds and Log sit between them.
    window->setCorner(Qt::TopLeftCorner, Qt::LeftDockWidgetArea);
    window->setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    window->setCorner(Qt::TopRightCorner, Qt::RightDockWidgetArea);
    window->setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    QDockWidget* faces = dock(window, tr("Faces"), QStringLiteral("facesDock"), panels.faces, Qt::LeftDockWidgetArea);
    QDockWidget* backgrounds =
        dock(window, tr("Backgrounds"), QStringLiteral("backgroundsDock"), panels.backgrounds, Qt::TopDockWidgetArea);
    QDockWidget* model = dock(window, tr("Model"), QStringLiteral("modelDock"), scrolling(window, panels.model), Qt::RightDockWidgetArea);
    QScrollArea* settings_scroll = scrolling(window, panels.settings);
    settings_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    QDockWidget* settings = dock(window, tr("Settings"), QStringLiteral("settingsDock"), settings_scroll, Qt::RightDockWidgetArea);
    QDockWidget* log = dock(window, tr("Log"), QStringLiteral("logDock"), panels.log, Qt::BottomDockWidgetArea);
    QDockWidget* plots = dock(window, tr("Plots"), QStringLiteral("plotsDock"), panels.plots, Qt::BottomDockWidgetArea);
    window->tabifyDockWidget(log, plots);
    log->raise();
    QDockWidget* interpolation = dock(window, tr("Interpolation"), QStringLiteral("interpolationDock"),
                                      scrolling(window, panels.interpolation), Qt::RightDockWidgetArea);
    window->splitDockWidget(model, settings, Qt::Vertical);
    window->tabifyDockWidget(settings, interpolation);
    settings->raise();
    window->resizeDocks({faces, model}, {150, 330}, Qt::Horizontal);
    window->resizeDocks({backgrounds, log, model}, {156, 120, 260}, Qt::Vertical);
    return {faces, backgrounds, model, settings, log, plots, interpolation};
}

}  // namespace facemix::ui
