#include "message_banner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace facemix::ui {

MessageBanner::MessageBanner(QWidget* parent) : QFrame(parent) {
    setObjectName(QStringLiteral("messageBanner"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    QPalette colors = palette();
    colors.setColor(QPalette::Window, QColor(120, 40, 36));
    colors.setColor(QPalette::WindowText, QColor(255, 236, 232));
    setPalette(colors);

    auto* icon = new QLabel(this);
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(18, 18));
    label_ = new QLabel(this);
    label_->setObjectName(QStringLiteral("bannerText"));
    label_->setWordWrap(true);
    label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* close = new QToolButton(this);
    close->setObjectName(QStringLiteral("bannerClose"));
    close->setAutoRaise(true);
    close->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    close->setToolTip(tr("Dismiss"));
    connect(close, &QToolButton::clicked, this, &MessageBanner::dismiss);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 6, 6);
    layout->addWidget(icon);
    layout->addWidget(label_, 1);
    layout->addWidget(close);

    hide_timer_ = new QTimer(this);
    hide_timer_->setSingleShot(true);
    connect(hide_timer_, &QTimer::timeout, this, &MessageBanner::dismiss);
    hide();
}

QWidget* MessageBanner::over(QWidget* content) {
    auto* holder = new QWidget(parentWidget());
    auto* layout = new QVBoxLayout(holder);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(this);
    layout->addWidget(content, 1);
    return holder;
}

void MessageBanner::showProblem(const QString& message) {
    if (isVisible() && !last_.isEmpty()) ++more_;
    last_ = message;
    QString text = message;
    if (more_ > 0) text += tr("  (and %n more, see the log)", nullptr, more_);
    label_->setText(text);
    show();
    hide_timer_->start(kVisibleMs);
}

void MessageBanner::dismiss() {
    hide();
    more_ = 0;
    hide_timer_->stop();
}

QString MessageBanner::text() const { return label_->text(); }

}  // namespace facemix::ui
