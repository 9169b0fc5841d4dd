#include "progress_status.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QToolButton>

namespace facemix::ui {

ProgressStatus::ProgressStatus(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("progressStatus"));
    label_ = new QLabel(this);
    bar_ = new QProgressBar(this);
    bar_->setObjectName(QStringLiteral("progressBar"));
    bar_->setFixedWidth(220);
    bar_->setTextVisible(true);
    cancel_ = new QToolButton(this);
    cancel_->setObjectName(QStringLiteral("cancelButton"));
    cancel_->setText(tr("Cancel"));
    cancel_->setToolTip(tr("Stop the running work (Esc)"));
    connect(cancel_, &QToolButton::clicked, this, &ProgressStatus::cancelRequested);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(label_);
    layout->addWidget(bar_);
    layout->addWidget(cancel_);
    hide();
}

void ProgressStatus::setProgress(const QString& task, int done, int total) {
    label_->setText(task);
    bar_->setRange(0, total);  // 0..0 is Qt's busy indicator
    bar_->setValue(done);
    bar_->setFormat(total > 0 ? QStringLiteral("%v / %m") : QString());
    show();
}

void ProgressStatus::finish() { hide(); }

int ProgressStatus::done() const { return bar_->value(); }
int ProgressStatus::total() const { return bar_->maximum(); }
QString ProgressStatus::task() const { return label_->text(); }

QString time_left(double seconds) {
    if (!(seconds >= 0.0)) return {};
    if (seconds < 1.0) return QObject::tr("under a second left");
    if (seconds < 90.0) return QObject::tr("about %1 s left").arg(qRound(seconds));
    if (seconds < 90.0 * 60.0) return QObject::tr("about %1 min left").arg(qRound(seconds / 60.0));
    return QObject::tr("about %1 h left").arg(seconds / 3600.0, 0, 'f', 1);
}

QString time_left(qint64 elapsed_ms, int done, int total) {
    if (done <= 0 || total <= done || elapsed_ms < 0) return {};
    return time_left(double(elapsed_ms) / 1000.0 * double(total - done) / double(done));
}

}  // namespace facemix::ui
