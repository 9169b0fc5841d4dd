#pragma once

#include <qcustomplot.h>

namespace facemix::ui {

// The interpolation panel's companion: along the slider (x, 0 = A, 1 = B) how close each previewed
// frame's face (or background) is to endpoint A and to endpoint B, one graph each, with a vertical
// line at the slider. A good interpolation shows the two curves crossing once, smoothly. Takes numbers
// only; the caller measures the frames off the GUI thread.
class InterpolationCurve : public QCustomPlot {
    Q_OBJECT
public:
    explicit InterpolationCurve(QWidget* parent = nullptr);

    QCPGraph* curveA() const { return curve_a_; }
    QCPGraph* curveB() const { return curve_b_; }
    QCPItemStraightLine* cursorLine() const { return cursor_; }
    QCPTextElement* title() const { return title_; }
    double cursorPosition() const;
    int pointCount() const { return curve_a_->dataCount(); }

public slots:
    // Names the endpoints in the legend ("closeness to ann"); empty names fall back to A and B.
    void setEndpointNames(const QString& a, const QString& b);
    // One measured frame. A second point at the same position replaces the first (the frame was
    // previewed again). Ignored, with a warning, when the position is outside [0, 1] or any value is not
    // a finite number.
    void addPoint(double position, double toA, double toB);
    // Where the slider is now, 0..1 (clamped). Not named setCursor: that would hide QWidget::setCursor,
    // and a mouse-cursor shape passed to it would silently convert to a position.
    void setCursorPosition(double position);
    // Removes every point (new endpoints); the cursor stays.
    void clear();

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyTheme();
    void updateValueRange();

    QCPGraph* curve_a_ = nullptr;
    QCPGraph* curve_b_ = nullptr;
    QCPItemStraightLine* cursor_ = nullptr;
    QCPTextElement* title_ = nullptr;
};

}  // namespace facemix::ui
