#pragma once

#include <optional>
#include <vector>

#include <QStringList>
#include <qcustomplot.h>

namespace facemix::ui {

// How close each grid cell's face is to the face it was asked to keep, as a colour map laid out like
// the mix grid: a row per face (first at the top), a column per background. Values are cosine
// similarities in [-1, 1] on a fixed colour scale, so two runs compare by eye; a cell with no value yet
// is transparent over a grey background and reads as blank. Takes numbers only: the caller measures
// (core/mix/face_similarity.h) off the GUI thread.
class SimilarityHeatmap : public QCustomPlot {
    Q_OBJECT
public:
    explicit SimilarityHeatmap(QWidget* parent = nullptr);

    int rowCount() const { return rows_; }
    int columnCount() const { return columns_; }
    // The value shown in a cell, or none when it is blank (or outside the grid).
    std::optional<double> cellSimilarity(int row, int column) const;
    int filledCellCount() const;

    QCPColorMap* colorMap() const { return map_; }
    QCPColorScale* colorScale() const { return scale_; }
    QCPTextElement* title() const { return title_; }
    // The number printed on a cell ("0.87"), empty when blank; for tests and tooltips.
    QString cellLabel(int row, int column) const;
    // Whether the numbers are printed: only while a cell is big enough to hold one legibly (a large
    // grid in a small dock shows colours alone).
    bool labelsShown() const { return labels_shown_; }
    // The centre of a cell in widget pixels.
    QPointF cellCentre(int row, int column) const;

public slots:
    // A new grid shape: every cell becomes blank (the indices no longer name the same pairs).
    void resizeGrid(int rows, int columns);
    // Names the rows (faces) and columns (backgrounds) on the axes; resizes to fit and blanks every cell
    // when the shape changes.
    void setSourceNames(const QStringList& faces, const QStringList& backgrounds);
    // Ignored (with a warning) outside the grid or for a value that is not a finite number; values are
    // clamped to [-1, 1], which only rounding can exceed.
    void setCellSimilarity(int row, int column, double value);
    void clearCell(int row, int column);
    // Blanks every cell, keeping the shape and names.
    void clear();

signals:
    // A click on a cell, in grid indices (for selecting that cell in the mix grid).
    void cellClicked(int row, int column);

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyTheme();
    void updateAxes();
    void updateLabel(int row, int column);
    void onMousePress(QMouseEvent* event);
    void fitLabels();

    int rows_ = 0;
    int columns_ = 0;
    QStringList face_names_;
    QStringList background_names_;
    std::vector<std::optional<double>> values_;  // row-major
    std::vector<QCPItemText*> labels_;           // row-major, one per cell
    QCPColorMap* map_ = nullptr;
    QCPColorScale* scale_ = nullptr;
    QCPTextElement* title_ = nullptr;
    bool labels_shown_ = true;
};

}  // namespace facemix::ui
