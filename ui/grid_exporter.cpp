#include "grid_exporter.h"

#include <utility>

#include <QDir>
#include <QFileDialog>

#include "counted_noun.h"
#include "export_writer.h"
#include "grid_export.h"
#include "mix_grid_view.h"
#include "source_list.h"

namespace facemix::ui {

GridExporter::GridExporter(const MixGridView* grid, const MixResults* results, const SourceList* faces,
                           const SourceList* backgrounds, QWidget* window)
    : QObject(window), grid_(grid), results_(results), faces_(faces), backgrounds_(backgrounds), window_(window),
      writer_(new ExportWriter(this)) {
    connect(writer_, &ExportWriter::written, this, [this](quint64, const QString& what, const QStringList& files) {
        emit information(tr("%1: wrote %2.").arg(what).arg(counted(files.size(), tr("file"), tr("files"))));
        emit exported(files);
    });
    connect(writer_, &ExportWriter::failed, this, [this](quint64, const QString& message) { emit problem(message); });
}

void GridExporter::exportCells(const QString& folder, const QList<CellKey>& cells) {
    std::vector<CellFile> files = cell_files(*grid_, *results_, cells, folder);
    if (files.empty()) {
        emit problem(tr("None of the selected cells has been generated yet."));
        return;
    }
    if (!QDir().mkpath(folder)) {
        emit problem(tr("Cannot create the folder %1.").arg(folder));
        return;
    }
    writer_->submit(tr("Exporting %1 to %2").arg(counted(files.size(), tr("cell"), tr("cells"))).arg(folder),
                    [files = std::move(files)] { return write_cell_files(files); });
}

void GridExporter::exportContactSheet(const QString& path) {
    const QList<SourceEntry> faces = faces_->entries();
    const QList<SourceEntry> backgrounds = backgrounds_->entries();
    if (faces.isEmpty() || backgrounds.isEmpty()) {
        emit problem(tr("A contact sheet needs a face and a background."));
        return;
    }
    writer_->submit(tr("Exporting the contact sheet %1").arg(path), [path, sheet = contact_sheet_cells(faces, backgrounds, *results_)] {
        write_contact_sheet(path, sheet);
        return QStringList{path};
    });
}

void GridExporter::promptExportCells() {
    const QList<CellKey> cells = grid_->selectedCells();
    if (cells.isEmpty()) {
        emit problem(tr("Select cells to export: click one, Ctrl+click more, or Ctrl+A in the grid for all."));
        return;
    }
    const QString folder = QFileDialog::getExistingDirectory(window_, tr("Export selected cells to"));
    if (!folder.isEmpty()) exportCells(folder, cells);
}

void GridExporter::promptExportContactSheet() {
    const QString path = QFileDialog::getSaveFileName(window_, tr("Export contact sheet"), QStringLiteral("contact_sheet.png"),
                                                      tr("PNG images (*.png)"));
    if (!path.isEmpty()) exportContactSheet(path);
}

}  // namespace facemix::ui
