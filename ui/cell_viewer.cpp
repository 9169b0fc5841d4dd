#include "cell_viewer.h"

#include <QLabel>
#include <QVBoxLayout>

namespace facemix::ui {

CellViewer::CellViewer(QWidget* parent) : QDialog(parent) {
    setObjectName(QStringLiteral("cellViewer"));
    setModal(false);
    setWindowFlag(Qt::Window);
    resize(560, 600);
    view_ = new QLabel(this);
    view_->setAlignment(Qt::AlignCenter);
    view_->setMinimumSize(128, 128);
    view_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
    caption_ = new QLabel(this);
    caption_->setAlignment(Qt::AlignCenter);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(view_, 1);
    layout->addWidget(caption_);
}

void CellViewer::showCell(const QString& title, const QImage& image) {
    image_ = image;
    setWindowTitle(title);
    caption_->setText(tr("%1   ·   %2 × %3 px").arg(title).arg(image.width()).arg(image.height()));
    rescale();
    show();
    raise();
}

void CellViewer::resizeEvent(QResizeEvent* event) {
    QDialog::resizeEvent(event);
    rescale();
}

void CellViewer::rescale() {
    if (image_.isNull()) return;
    view_->setPixmap(QPixmap::fromImage(image_.scaled(view_->size(), Qt::KeepAspectRatio, Qt::SmoothTransformation)));
}

}  // namespace facemix::ui
