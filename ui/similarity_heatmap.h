#pragma once

#include <optional>
#include <vector>

#include <QStringList>
#include <qcustomplot.h>

#include "mix/identity_reading.h"

namespace facemix::ui {

// How much of its face source's identity each grid cell kept, as a colour map laid out like the mix
// grid: a row per face (first at the top), a column per background. A cell holds the dlib face-descriptor
// distance to its face source (0 = the same descriptor, under 0.6 the same person), or, where the worker
// could not have a descriptor, the encoder's face-crop cosine, printed "cos 0.87" and explained by a note
// under the map. Both share one fixed colour scale (green = kept, the neutral middle at the same-person
// line, red = lost), so two runs compare by eye; a cell with no value yet is transparent over a grey
// background and reads as blank. Takes numbers only: the caller measures (core/mix/identity_meter.h)
// off the GUI thread.
class SimilarityHeatmap : public QCustomPlot {
    Q_OBJECT
public:
    explicit SimilarityHeatmap(QWidget* parent = nullptr);

    int rowCount() const { return rows_; }
    int columnCount() const { return columns_; }
    // The reading shown in a cell, or none when it is blank (or outside the grid).
    std::optional<facemix::IdentityReading> cellReading(int row, int column) const;
    int filledCellCount() const;

    QCPColorMap* colorMap() const { return map_; }
    QCPColorScale* colorScale() const { return scale_; }
    QCPTextElement* title() const { return title_; }
    // What the colour scale measures: the descriptor distance, unless every filled cell is a cosine.
    QString scaleLabel() const;
    // Under the map while any cell is a cosine: what "cos" means and why those cells have no distance.
    QString note() const;
    // The text printed on a cell ("0.42" for a distance, "cos 0.87" for a cosine), empty when blank; for
    // tests and tooltips.
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
    // clamped to their measure's range (distances [0, 2], cosines [-1, 1]), which only rounding can exceed.
    void setCellReading(int row, int column, const facemix::IdentityReading& reading);
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
    void updateMeasure();
    void onMousePress(QMouseEvent* event);
    void fitLabels();

    int rows_ = 0;
    int columns_ = 0;
    QStringList face_names_;
    QStringList background_names_;
    std::vector<std::optional<facemix::IdentityReading>> values_;  // row-major
    std::vector<QCPItemText*> labels_;           // row-major, one per cell
    QCPColorMap* map_ = nullptr;
    QCPColorScale* scale_ = nullptr;
    QCPTextElement* title_ = nullptr;
    QCPTextElement* note_ = nullptr;
    bool labels_shown_ = true;
};

}  // namespace facemix::ui
