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

}  // namespace facemix::ui
