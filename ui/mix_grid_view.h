#pragma once

#include <map>
#include <set>
#include <utility>

#include <QFont>
#include <QImage>
#include <QList>
#include <QPixmap>
#include <QScrollArea>

namespace facemix::ui {

class MixGridCanvas;

// A row or column header of the grid: one aligned face or one background photo.
struct GridAxisItem {
    quint64 key = 0;  // SourceEntry::key, so a cell stays with its face and background when others are removed
    QString name;
    QImage thumbnail;
};

// The mix: rows are faces, columns are backgrounds. Each cell is empty (a placeholder), busy (being
// generated) or holds its image; cells fill one by one as results arrive through setCell(). Cells
// are keyed by (face key, background key), so editing the lists keeps the cells that still apply.
// Clicking a cell selects it and emits cellClicked(); Ctrl+wheel zooms.
class MixGridView : public QScrollArea {
    Q_OBJECT
public:
    static constexpr int kMinCellSide = 96;   // the smallest a zoom of the user's own goes
    static constexpr int kMaxCellSide = 512;
    // The smallest a fitted cell goes: below kMinCellSide, because a grid that needs scrolling to see its
    // last row is not fitted, and the docks of a 1280 × 820 window leave a 3 × 3 grid about 70 px a cell.
    static constexpr int kMinFitSide = 56;

    explicit MixGridView(QWidget* parent = nullptr);

    void setFaces(const QList<GridAxisItem>& faces);
    void setBackgrounds(const QList<GridAxisItem>& backgrounds);

    void setCell(quint64 face, quint64 background, const QImage& image);
    void setCellBusy(quint64 face, quint64 background, bool busy);
    // A failed cell shows `error` in place of an image (until setCell() or clearCells()).
    void setCellError(quint64 face, quint64 background, const QString& error);
    // A short line under the cell's image (its seed) and a padlock for locked cells.
    void setCellCaption(quint64 face, quint64 background, const QString& caption);
    void setCellLocked(quint64 face, quint64 background, bool locked);
    void clearCells();
    // Clears every cell's busy mark (a run was cancelled).
    void clearBusy();

    int rowCount() const { return int(faces_.size()); }
    int columnCount() const { return int(backgrounds_.size()); }
    quint64 faceKey(int row) const { return faces_.at(row).key; }
    quint64 backgroundKey(int column) const { return backgrounds_.at(column).key; }
    QString faceName(quint64 face) const;
    QString backgroundName(quint64 background) const;
    QImage cell(quint64 face, quint64 background) const;
    bool isCellBusy(quint64 face, quint64 background) const;
    QString cellError(quint64 face, quint64 background) const;
    QString cellCaption(quint64 face, quint64 background) const;
    bool isCellLocked(quint64 face, quint64 background) const;
    int busyCellCount() const;
    int filledCellCount() const;

    int cellSide() const { return cell_side_; }
    // A side the user chose (zoom in or out, Ctrl+wheel): the grid keeps it until zoomToFit().
    void setCellSide(int side);
    // The largest cells (kMinFitSide … kMaxCellSide) that show the whole grid in the view, kept so as
    // rows, columns or the window change. The grid starts this way.
    void zoomToFit();
    bool fitsToView() const { return fit_to_view_; }
    // The caption font: the view's, made smaller until `text` fits `width` (a seed is never cut).
    static QFont captionFont(const QFont& base, const QString& text, int width);
    // What a caption band `width` wide shows of `caption` in captionFont(): all of it; "seed 123" as
    // "123" when only the number fits; nothing when not even that does (the tooltip still has it). Never
    // part of a seed.
    static QString captionShown(const QFont& base, const QString& caption, int width);
    // Where a cell is drawn, in the coordinates of canvas() (for tests and tooltips).
    QRect cellRect(int row, int column) const;
    QWidget* canvas() const;
    std::pair<int, int> selectedCell() const { return selected_; }  // (-1, -1) when none
    // Every selected cell as (face key, background key): a click selects one, Ctrl+click adds or removes
    // one, Ctrl+A selects all.
    QList<std::pair<quint64, quint64>> selectedCells() const;
    void selectAll();

signals:
    void cellClicked(quint64 face, quint64 background);
    // A right click (or the menu key) on a cell, which is then selected; `global` is where the menu goes.
    void cellMenuRequested(quint64 face, quint64 background, const QPoint& global);

protected:
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    friend class MixGridCanvas;
    struct Cell {
        QImage image;
        QPixmap scaled;  // the image at the current cell side, made when first drawn
        bool busy = false;
        bool locked = false;
        QString error;
        QString caption;
    };
    using Key = std::pair<quint64, quint64>;

    QSize contentSize() const;
    void applyCellSide(int side);
    void relayout();
    std::pair<int, int> cellAt(const QPoint& point) const;

    MixGridCanvas* canvas_ = nullptr;
    QList<GridAxisItem> faces_;
    QList<GridAxisItem> backgrounds_;
    QList<QPixmap> face_headers_;  // header thumbnails, scaled once when the axis is set
    QList<QPixmap> background_headers_;
    std::map<Key, Cell> cells_;
    int cell_side_ = 176;
    bool fit_to_view_ = true;
    std::pair<int, int> selected_{-1, -1};
    std::set<Key> also_selected_;  // Ctrl+click additions to selected_, by key so they survive relayouts
    std::pair<int, int> hovered_{-1, -1};
};

}  // namespace facemix::ui
