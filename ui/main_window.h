#pragma once

#include <QMainWindow>

namespace facemix::ui {

// The studio's main window: faces down the left, backgrounds along the top, the mix grid between.
// Generation arrives with the studio issue; for now the window lays out the panels.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
};

}  // namespace facemix::ui
