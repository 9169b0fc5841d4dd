#pragma once

#include <QDialog>
#include <QImage>

class QLabel;
class QPushButton;

namespace facemix::ui {

// A cell of the mix enlarged in a window of its own, scaled to fit as the window is resized, beside
// its two sources (the aligned face it keeps and the background it takes the rest from: before and
// after at a glance), with the cell's actions. Non-modal and reused: clicking another cell shows that one in the same
// window. The viewer only asks; the main window does the work and calls showCell() again.
class CellViewer : public QDialog {
    Q_OBJECT
public:
    static constexpr int kSourceSide = 144;  // each source's picture beside the cell

    explicit CellViewer(QWidget* parent = nullptr);

    // The sources' two images and names go beside the cell; QImage() leaves a source's place empty.
    struct Sources {
        QImage face;
        QString face_name;
        QImage background;
        QString background_name;
    };
    void showCell(quint64 face, quint64 background, const QString& title, const QImage& image, const QString& details = {},
                  bool locked = false, const Sources& sources = {});
    QImage image() const { return image_; }
    QImage faceSource() const { return sources_.face; }
    QImage backgroundSource() const { return sources_.background; }
    quint64 face() const { return face_; }
    quint64 background() const { return background_; }
    QString details() const;

    QPushButton* newSeedButton() const { return new_seed_; }
    QPushButton* lockButton() const { return lock_; }
    QPushButton* copyButton() const { return copy_; }
    QPushButton* saveButton() const { return save_; }

signals:
    void newSeedRequested(quint64 face, quint64 background);
    void lockToggled(quint64 face, quint64 background, bool locked);
    void copyRequested(quint64 face, quint64 background);
    void saveRequested(quint64 face, quint64 background);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void rescale();

    QLabel* view_ = nullptr;
    QLabel* face_view_ = nullptr;
    QLabel* background_view_ = nullptr;
    QLabel* caption_ = nullptr;
    QPushButton* new_seed_ = nullptr;
    QPushButton* lock_ = nullptr;
    QPushButton* copy_ = nullptr;
    QPushButton* save_ = nullptr;
    QImage image_;
    Sources sources_;
    quint64 face_ = 0;
    quint64 background_ = 0;
};

}  // namespace facemix::ui
