#include "main_window.h"

#include <QDockWidget>
#include <QLabel>
#include <QListWidget>
#include <QStatusBar>

namespace facemix::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("facemix studio"));
    resize(1100, 760);

    auto* faces = new QDockWidget(tr("Faces"), this);
    auto* face_list = new QListWidget(faces);
    face_list->setViewMode(QListView::IconMode);
    face_list->setFlow(QListView::TopToBottom);
    faces->setWidget(face_list);
    addDockWidget(Qt::LeftDockWidgetArea, faces);

    auto* backgrounds = new QDockWidget(tr("Backgrounds"), this);
    auto* background_list = new QListWidget(backgrounds);
    background_list->setViewMode(QListView::IconMode);
    background_list->setFlow(QListView::LeftToRight);
    backgrounds->setWidget(background_list);
    addDockWidget(Qt::TopDockWidgetArea, backgrounds);

    auto* grid = new QLabel(tr("Drop face photos on the left and background photos along the top."), this);
    grid->setAlignment(Qt::AlignCenter);
    setCentralWidget(grid);
    statusBar()->showMessage(tr("facemix %1").arg(QStringLiteral(FACEMIX_VERSION)));
}

}  // namespace facemix::ui
