#pragma once

#include <QDialog>
#include <QImage>

class QLabel;

namespace facemix::ui {

// A cell of the mix enlarged in a window of its own, scaled to fit as the window is resized.
// Non-modal and reused: clicking another cell shows that one in the same window.
class CellViewer : public QDialog {
    Q_OBJECT
public:
    explicit CellViewer(QWidget* parent = nullptr);

    void showCell(const QString& title, const QImage& image);
    QImage image() const { return image_; }

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void rescale();

    QLabel* view_ = nullptr;
    QLabel* caption_ = nullptr;
    QImage image_;
};

}  // namespace facemix::ui
