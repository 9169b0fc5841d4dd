#pragma once

#include <QFrame>

class QLabel;
class QTimer;

namespace facemix::ui {

// A strip above the mix grid that shows the latest problem (no face found, model refused, out of
// memory) without stopping the user: no dialog to dismiss, and a burst of failures from a dropped
// folder stays one line ("… and 4 more problems, see the log") instead of a storm of windows.
class MessageBanner : public QFrame {
    Q_OBJECT
public:
    explicit MessageBanner(QWidget* parent = nullptr);

    // A widget holding this banner over `content` (which takes the rest of the height), to be the
    // window's central widget.
    QWidget* over(QWidget* content);

    void showProblem(const QString& message);
    void dismiss();

    QString text() const;      // what the banner shows now
    QString lastMessage() const { return last_; }

    static constexpr int kVisibleMs = 15000;

private:
    QLabel* label_ = nullptr;
    QTimer* hide_timer_ = nullptr;
    QString last_;
    int more_ = 0;  // problems since the banner appeared, beyond the one shown
};

}  // namespace facemix::ui
