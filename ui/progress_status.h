#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace facemix::ui {

// The status bar's progress: what is running, how far, and Cancel. Hidden while nothing runs.
class ProgressStatus : public QWidget {
    Q_OBJECT
public:
    explicit ProgressStatus(QWidget* parent = nullptr);

    // Shows `task` with done/total; total 0 shows a busy bar (a model import has no steps to count).
    void setProgress(const QString& task, int done, int total);
    void finish();

    int done() const;
    int total() const;
    QString task() const;

signals:
    void cancelRequested();

private:
    QLabel* label_ = nullptr;
    QProgressBar* bar_ = nullptr;
    QToolButton* cancel_ = nullptr;
};

}  // namespace facemix::ui
