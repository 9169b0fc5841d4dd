#pragma once

#include <QDialog>
#include <QList>

#include "alignment_worker.h"

class QListWidget;
class QPushButton;

namespace facemix::ui {

// Asks which faces of a photo with several to add: the largest, all, or the ones picked. Non-modal,
// so the rest of the studio stays usable while it waits; the photo is shown with numbered boxes so
// the user can tell the faces apart.
class FaceChooser : public QDialog {
    Q_OBJECT
public:
    FaceChooser(const AlignmentResult& result, const QString& target, QWidget* parent = nullptr);

    const AlignmentResult& result() const { return result_; }

    void chooseLargest();
    void chooseAll();
    void chooseSelected();
    void skip();
    void reject() override;  // Escape and the window's close button skip the photo

signals:
    // Indices into result().faces, in order; empty when the photo was skipped. Sent exactly once.
    void chosen(const QList<int>& faces);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void answer(const QList<int>& faces);

    AlignmentResult result_;
    QListWidget* faces_ = nullptr;
    QPushButton* add_selected_ = nullptr;
    bool answered_ = false;
};

}  // namespace facemix::ui
