#include "cell_viewer.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace facemix::ui {

CellViewer::CellViewer(QWidget* parent) : QDialog(parent) {
    setObjectName(QStringLiteral("cellViewer"));
    setModal(false);
    setWindowFlag(Qt::Window);
    resize(720, 600);
    view_ = new QLabel(this);
    view_->setAlignment(Qt::AlignCenter);
    view_->setMinimumSize(128, 128);
    view_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
    const auto source_view = [this](const QString& name) {
        auto* label = new QLabel(this);
        label->setObjectName(name);
        label->setAlignment(Qt::AlignCenter);
        label->setFixedSize(kSourceSide, kSourceSide);
        return label;
    };
    face_view_ = source_view(QStringLiteral("cellFaceSource"));
    background_view_ = source_view(QStringLiteral("cellBackgroundSource"));
    caption_ = new QLabel(this);
    caption_->setAlignment(Qt::AlignCenter);
    caption_->setWordWrap(true);
    caption_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    const auto button = [this](const QString& text, const QString& name, const QString& tip) {
        auto* b = new QPushButton(text, this);
        b->setObjectName(name);
        b->setToolTip(tip);
        b->setAutoDefault(false);
        return b;
    };
    new_seed_ = button(tr("New seed"), QStringLiteral("newSeed"), tr("Generate this cell again with a random seed"));
    lock_ = button(tr("Lock"), QStringLiteral("lockCell"), tr("A locked cell keeps its image when the grid is mixed again"));
    lock_->setCheckable(true);
    copy_ = button(tr("Copy"), QStringLiteral("copyCell"), tr("Copy the image to the clipboard"));
    save_ = button(tr("Save…"), QStringLiteral("saveCell"), tr("Save as PNG with its recipe"));
    connect(new_seed_, &QPushButton::clicked, this, [this] { emit newSeedRequested(face_, background_); });
    connect(lock_, &QPushButton::toggled, this, [this](bool on) { emit lockToggled(face_, background_, on); });
    connect(copy_, &QPushButton::clicked, this, [this] { emit copyRequested(face_, background_); });
    connect(save_, &QPushButton::clicked, this, [this] { emit saveRequested(face_, background_); });

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(new_seed_);
    buttons->addWidget(lock_);
    buttons->addStretch(1);
    buttons->addWidget(copy_);
    buttons->addWidget(save_);
    auto* sources = new QVBoxLayout;
    sources->addWidget(face_view_);
    sources->addWidget(background_view_);
    sources->addStretch(1);
    auto* views = new QHBoxLayout;
    views->addLayout(sources);
    views->addWidget(view_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(views, 1);
    layout->addWidget(caption_);
    layout->addLayout(buttons);
}

void CellViewer::showCell(quint64 face, quint64 background, const QString& title, const QImage& image, const QString& details,
                          bool locked, const Sources& sources) {
    face_ = face;
    background_ = background;
    image_ = image;
    sources_ = sources;
    const auto show_source = [this](QLabel* label, const QImage& picture, const QString& role, const QString& name) {
        if (picture.isNull()) {
            label->clear();
            return;
        }
        label->setPixmap(QPixmap::fromImage(picture.scaled(kSourceSide, kSourceSide, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
        label->setToolTip(QStringLiteral("%1: %2").arg(role, name));
    };
    show_source(face_view_, sources.face, tr("Face"), sources.face_name);
    show_source(background_view_, sources.background, tr("Background"), sources.background_name);
    setWindowTitle(title);
    QString caption = tr("%1   ·   %2 × %3 px").arg(title).arg(image.width()).arg(image.height());
    if (!details.isEmpty()) caption += QStringLiteral("\n") + details;
    caption_->setText(caption);
    const QSignalBlocker quiet(lock_);  // showing the state is not a request to change it
    lock_->setChecked(locked);
    lock_->setText(locked ? tr("Locked") : tr("Lock"));
    const bool has_image = !image.isNull();
    copy_->setEnabled(has_image);
    save_->setEnabled(has_image);
    rescale();
    show();
    raise();
}

QString CellViewer::details() const { return caption_->text(); }

void CellViewer::resizeEvent(QResizeEvent* event) {
    QDialog::resizeEvent(event);
    rescale();
}

void CellViewer::rescale() {
    if (image_.isNull()) {
        view_->clear();
        return;
    }
    view_->setPixmap(QPixmap::fromImage(image_.scaled(view_->size(), Qt::KeepAspectRatio, Qt::SmoothTransformation)));
}

}  // namespace facemix::ui
