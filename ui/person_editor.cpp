#include "person_editor.h"

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QPixmap>
#include <QPushButton>
#include <QVBoxLayout>

#include "dropped_inputs.h"
#include "source_list.h"

namespace facemix::ui {

PersonEditor::PersonEditor(SourceList* list, quint64 key, QWidget* parent)
    : QDialog(parent ? parent : list), list_(list), key_(key) {
    setObjectName(QStringLiteral("personEditor"));
    setModal(false);
    setWindowFlag(Qt::Window);
    auto* layout = new QVBoxLayout(this);
    auto* hint = new QLabel(tr("The row's face is the weighted mean of these photos: a photo of weight 2 counts twice."), this);
    hint->setWordWrap(true);
    layout->addWidget(hint);
    rows_ = new QVBoxLayout;
    layout->addLayout(rows_);
    layout->addStretch(1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton* add = buttons->addButton(tr("Add Photos…"), QDialogButtonBox::ActionRole);
    add->setObjectName(QStringLiteral("addPersonPhotos"));
    connect(add, &QPushButton::clicked, this, [this] {
        const QStringList paths = QFileDialog::getOpenFileNames(this, tr("More photos of this person"), {}, photo_file_filter());
        if (!paths.isEmpty()) list_->addPersonPhotos(key_, paths);
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
    layout->addWidget(buttons);
    connect(list_, &SourceList::personChanged, this, [this](quint64 changed) {
        if (changed == key_) rebuild();
    });
    connect(list_, &SourceList::entriesChanged, this, [this] {
        if (!list_->entry(key_)) close();
    });
    rebuild();
}

void PersonEditor::rebuild() {
    const SourceEntry* person = list_->entry(key_);
    if (!person) return;
    setWindowTitle(tr("Photos of %1").arg(person->name));
    while (QLayoutItem* item = rows_->takeAt(0)) {
        if (QLayout* row = item->layout())
            while (QLayoutItem* part = row->takeAt(0)) {
                delete part->widget();
                delete part;
            }
        delete item->widget();
        delete item;  // a row's item is its layout
    }
    for (int photo = 0; photo < person->photoCount(); ++photo) {
        const SourceEntry& entry = photo == 0 ? *person : person->same_person[std::size_t(photo - 1)];
        auto* row = new QHBoxLayout;
        auto* thumbnail = new QLabel(this);
        thumbnail->setPixmap(QPixmap::fromImage(entry.thumbnail.scaled(kThumbnailSide, kThumbnailSide, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
        auto* name = new QLabel(entry.name, this);
        name->setToolTip(entry.path);
        auto* weight = new QDoubleSpinBox(this);
        weight->setObjectName(QStringLiteral("photoWeight%1").arg(photo));
        weight->setRange(0.05, 100.0);
        weight->setSingleStep(0.5);
        weight->setDecimals(2);
        weight->setValue(entry.weight);
        weight->setToolTip(tr("This photo's share of the person's mean, relative to the others'"));
        auto* remove = new QPushButton(tr("Remove"), this);
        remove->setObjectName(QStringLiteral("removePhoto%1").arg(photo));
        remove->setAutoDefault(false);
        remove->setEnabled(person->photoCount() > 1);
        // Queued: the list's change rebuilds these widgets, which must not happen inside their own signal.
        connect(weight, &QDoubleSpinBox::valueChanged, this, [this, photo](double value) {
            QMetaObject::invokeMethod(this, [this, photo, value] { list_->setPhotoWeight(key_, photo, value); }, Qt::QueuedConnection);
        });
        connect(remove, &QPushButton::clicked, this, [this, photo] {
            QMetaObject::invokeMethod(this, [this, photo] { list_->removePersonPhoto(key_, photo); }, Qt::QueuedConnection);
        });
        row->addWidget(thumbnail);
        row->addWidget(name, 1);
        row->addWidget(weight);
        row->addWidget(remove);
        rows_->addLayout(row);
    }
    if (person->photos_pending > 0)
        rows_->addWidget(new QLabel(tr("Aligning %1 more…").arg(person->photos_pending), this));
}

}  // namespace facemix::ui
