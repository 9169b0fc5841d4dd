#pragma once

#include <QDialog>

class QVBoxLayout;

namespace facemix::ui {

class SourceList;

// The photos of one Faces row, for a person given by several: each photo's thumbnail and name, a weight
// spin box (its share of the person's mean, relative to the others') and a Remove button, and "Add
// Photos…". Every change goes straight to the list, which rebuilds the row's face token at the next
// Mix; the dialog follows the list's changes of that row (photos arriving from alignment) and closes
// when the row is removed. Non-modal.
class PersonEditor : public QDialog {
    Q_OBJECT
public:
    static constexpr int kThumbnailSide = 72;

    PersonEditor(SourceList* list, quint64 key, QWidget* parent = nullptr);

    quint64 key() const { return key_; }

private:
    void rebuild();

    SourceList* list_;
    quint64 key_;
    QVBoxLayout* rows_ = nullptr;
};

}  // namespace facemix::ui
