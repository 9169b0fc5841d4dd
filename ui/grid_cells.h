#pragma once

#include <QList>
#include <QObject>
#include <QString>

#include "mix_results.h"
#include "restored_cells.h"

class QPoint;
class QStatusBar;
class QWidget;

namespace facemix::ui {

class CellViewer;
class LogPanel;
class MixGridView;
class SimilarityHeatmap;
class SourceList;
struct GeneratedCell;

// The grid's cells: what the studio knows of each (MixResults) and how the grid, the cell viewer and the
// identity heatmap show it, and what a person does to one cell (lock, copy, save, enlarge, its menu).
// Asks the window for what it cannot do alone: a new seed, an export, a problem in the banner.
class GridCells : public QObject {
    Q_OBJECT
public:
    struct Views {
        MixGridView* grid = nullptr;
        CellViewer* viewer = nullptr;
        SimilarityHeatmap* similarity = nullptr;
        SourceList* faces = nullptr;
        SourceList* backgrounds = nullptr;
        LogPanel* log = nullptr;
        QStatusBar* status = nullptr;
    };
    // Dialogs and menus open over `window`.
    GridCells(const Views& views, QWidget* window);

    const MixResults& results() const { return results_; }
    QString title(const CellKey& key) const;  // "face × background"

    // A cell from the generator; false when its face or background was removed while it was generated.
    bool record(const CellKey& key, const GeneratedCell& cell);
    void setLocked(const CellKey& key, bool locked);
    // A reopened session's locks, applied as a Mix plans its cells.
    void lock(const QList<CellKey>& keys);
    void copy(const CellKey& key);
    bool save(const CellKey& key, const QString& path);
    void promptSave(const CellKey& key);
    void show(const CellKey& key);  // in the cell viewer, or why it cannot be
    void showMenu(const CellKey& key, const QPoint& global, bool can_generate);

    void clearUnlocked();  // Clear grid
    void clear();          // a session opened: nothing of the old grid stays
    void keepOnly(const QList<quint64>& faces, const QList<quint64>& backgrounds);
    // A reopened session's finished cells: shown as their photos reach the lists (showRestored(), called
    // when the lists change), finished for the next Mix as if just generated.
    void expectRestored(const QList<StoredCellImage>& images) { restored_.expect(images); }
    void showRestored();

signals:
    void changed();  // a cell's seed or lock: what a session keeps
    void problem(const QString& message);
    void newSeedRequested(quint64 face, quint64 background);
    void exportRequested();

private:
    void showResult(const CellKey& key);
    void plotIdentity(const CellKey& key, const GeneratedCell& cell);
    void refreshViewer(const CellKey& key);

    Views views_;
    QWidget* window_;
    MixResults results_;
    RestoredCells restored_;
};

}  // namespace facemix::ui
