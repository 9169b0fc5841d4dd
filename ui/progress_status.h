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

// "about 40 s left", "about 3 min left": the rest of a run at the pace of its part done so far; empty
// before anything is done.
QString time_left(qint64 elapsed_ms, int done, int total);
// The same words for a number of seconds; empty for a negative or NaN one.
QString time_left(double seconds);

}  // namespace facemix::ui
