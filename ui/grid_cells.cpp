#include "grid_cells.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFileDialog>
#include <QMenu>
#include <QStatusBar>

#include "counted_noun.h"
#include "cell_viewer.h"
#include "generation_worker.h"
#include "grid_export.h"
#include "image_conversion.h"
#include "log_panel.h"
#include "mix/cell_export.h"
#include "mix_grid_view.h"
#include "similarity_heatmap.h"
#include "source_list.h"

namespace facemix::ui {

GridCells::GridCells(const Views& views, QWidget* window) : QObject(window), views_(views), window_(window) {
    connect(views_.grid, &MixGridView::cellClicked, this, [this](quint64 face, quint64 background) { show({face, background}); });
    connect(views_.viewer, &CellViewer::lockToggled, this,
            [this](quint64 face, quint64 background, bool locked) { setLocked({face, background}, locked); });
    connect(views_.viewer, &CellViewer::copyRequested, this, [this](quint64 face, quint64 background) { copy({face, background}); });
    connect(views_.viewer, &CellViewer::saveRequested, this, [this](quint64 face, quint64 background) { promptSave({face, background}); });
    connect(views_.viewer, &CellViewer::newSeedRequested, this, &GridCells::newSeedRequested);
}

QString GridCells::title(const CellKey& key) const {
    return tr("%1 × %2").arg(views_.grid->faceName(key.first), views_.grid->backgroundName(key.second));
}

bool GridCells::record(const CellKey& key, const GeneratedCell& cell) {
    if (!views_.faces->entry(key.first) || !views_.backgrounds->entry(key.second)) return false;
    if (cell.ok()) {
        results_.setFinished(key, cell.image, cell.preview, cell.recipe);
    } else {
        results_.setFailed(key, cell.seed, cell.error);
        views_.log->error(tr("%1 (seed %2) failed: %3").arg(title(key)).arg(cell.seed).arg(cell.error));
    }
    showResult(key);
    plotIdentity(key, cell);
    emit changed();
    refreshViewer(key);
    return true;
}

void GridCells::setLocked(const CellKey& key, bool locked) {
    results_.setLocked(key, locked);
    views_.grid->setCellLocked(key.first, key.second, locked);
    emit changed();
    refreshViewer(key);
}

void GridCells::lock(const QList<CellKey>& keys) {
    for (const CellKey& key : keys) {
        results_.setLocked(key, true);
        views_.grid->setCellLocked(key.first, key.second, true);
    }
}

void GridCells::copy(const CellKey& key) {
    const MixCell* cell = results_.cell(key);
    if (!cell || !cell->finished()) return;
    QApplication::clipboard()->setImage(cell->preview);
    views_.status->showMessage(tr("Copied %1.").arg(title(key)), 3000);
}

bool GridCells::save(const CellKey& key, const QString& path) {
    const MixCell* cell = results_.cell(key);
    if (!cell || !cell->finished()) return false;
    try {
        facemix::write_recipe_png(path.toStdString(), cell->image, cell->recipe);
    } catch (const std::exception& error) {
        emit problem(tr("Cannot save %1: %2").arg(path, QString::fromUtf8(error.what())));
        return false;
    }
    views_.log->info(tr("Saved %1 to %2.").arg(title(key), path));
    return true;
}

void GridCells::promptSave(const CellKey& key) {
    const MixCell* cell = results_.cell(key);
    if (!cell || !cell->finished()) return;
    const QString suggested = suggested_cell_file_name(*views_.grid, key, cell->recipe.seed);
    const QString path = QFileDialog::getSaveFileName(window_, tr("Save cell"), suggested, tr("PNG images (*.png)"));
    if (!path.isEmpty()) save(key, path);
}

void GridCells::show(const CellKey& key) {
    const auto [face, background] = key;
    const QImage image = views_.grid->cell(face, background);
    if (image.isNull()) {
        const QString error = views_.grid->cellError(face, background);
        views_.status->showMessage(error.isEmpty() ? tr("%1 has not been generated yet.").arg(title(key))
                                                   : tr("%1 failed: %2").arg(title(key), error),
                                   4000);
        return;
    }
    QString details;
    if (const MixCell* cell = results_.cell(key); cell && cell->finished()) {
        const facemix::SamplingSettings& used = cell->recipe.settings;
        details = tr("seed %1 · %2, %3, CFG %4")
                      .arg(cell->recipe.seed)
                      .arg(QString::fromStdString(used.sampler), counted(used.steps, tr("step"), tr("steps")))
                      .arg(used.cfg_scale);
    }
    CellViewer::Sources sources;
    if (const SourceEntry* entry = views_.faces->entry(face)) {
        sources.face = to_qimage(entry->face.aligned);
        sources.face_name = entry->name;
    }
    if (const SourceEntry* entry = views_.backgrounds->entry(background)) {
        sources.background = to_qimage(entry->face.aligned);
        sources.background_name = entry->name;
    }
    views_.viewer->showCell(face, background, title(key), image, details, results_.isLocked(key), sources);
}

void GridCells::showMenu(const CellKey& key, const QPoint& global, bool can_generate) {
    const MixCell* cell = results_.cell(key);
    const bool finished = cell && cell->finished();
    QMenu menu(window_);
    menu.addAction(tr("Generate again with a &new seed"), this, [this, key] { emit newSeedRequested(key.first, key.second); })
        ->setEnabled(can_generate);
    QAction* locked = menu.addAction(tr("&Lock"), this, [this, key](bool on) { setLocked(key, on); });
    locked->setCheckable(true);
    locked->setChecked(results_.isLocked(key));
    menu.addSeparator();
    menu.addAction(tr("&Copy image"), this, [this, key] { copy(key); })->setEnabled(finished);
    menu.addAction(tr("&Save…"), this, [this, key] { promptSave(key); })->setEnabled(finished);
    menu.addAction(tr("&Enlarge"), this, [this, key] { show(key); })->setEnabled(finished);
    menu.addSeparator();
    menu.addAction(tr("E&xport selected cells…"), this, &GridCells::exportRequested);
    menu.exec(global);
}

void GridCells::clearUnlocked() {
    results_.clearUnlocked();
    views_.grid->clearCells();
    for (const auto& [key, cell] : results_.cells()) showResult(key);
}

void GridCells::clear() {
    results_ = MixResults();
    restored_.clear();
    views_.grid->clearCells();
}

void GridCells::showRestored() {
    if (restored_.waitingCount() == 0) return;
    for (auto& [key, stored] : restored_.take(views_.faces->entries(), views_.backgrounds->entries())) {
        const QImage preview = to_qimage(stored.image);
        results_.setFinished(key, std::move(stored.image), preview, std::move(stored.recipe));
        if (stored.locked) results_.setLocked(key, true);
        showResult(key);
        emit changed();
    }
}

void GridCells::keepOnly(const QList<quint64>& faces, const QList<quint64>& backgrounds) { results_.keepOnly(faces, backgrounds); }

void GridCells::showResult(const CellKey& key) {
    const MixCell* cell = results_.cell(key);
    if (!cell) return;
    if (cell->finished())
        views_.grid->setCell(key.first, key.second, cell->preview);
    else if (!cell->error.isEmpty())
        views_.grid->setCellError(key.first, key.second, cell->error);
    views_.grid->setCellCaption(key.first, key.second, cell->seed ? tr("seed %1").arg(*cell->seed) : QString());
    views_.grid->setCellLocked(key.first, key.second, cell->locked);
}

void GridCells::plotIdentity(const CellKey& key, const GeneratedCell& cell) {
    for (int row = 0; row < views_.grid->rowCount(); ++row)
        for (int column = 0; column < views_.grid->columnCount(); ++column)
            if (views_.grid->faceKey(row) == key.first && views_.grid->backgroundKey(column) == key.second) {
                if (cell.identity)
                    views_.similarity->setCellReading(row, column, *cell.identity);
                else
                    views_.similarity->clearCell(row, column);
            }
}

// The viewer shows the cell as it was when it opened; a change to the cell it shows is shown there too.
void GridCells::refreshViewer(const CellKey& key) {
    if (views_.viewer->isVisible() && views_.viewer->face() == key.first && views_.viewer->background() == key.second) show(key);
}

}  // namespace facemix::ui
