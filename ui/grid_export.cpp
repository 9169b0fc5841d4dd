#include "grid_export.h"

#include <QDir>
#include <QFileInfo>

#include "mix/cell_export.h"
#include "mix/job_files.h"
#include "mix_grid_view.h"

namespace facemix::ui {
namespace {

QString stem_of(const QString& name) { return QFileInfo(name).completeBaseName(); }

}  // namespace

std::vector<CellFile> cell_files(const MixGridView& grid, const MixResults& results, const QList<CellKey>& cells,
                                 const QString& folder) {
    std::vector<CellFile> files;
    const QDir dir(folder);
    for (int row = 0; row < grid.rowCount(); ++row)
        for (int column = 0; column < grid.columnCount(); ++column) {
            const CellKey key{grid.faceKey(row), grid.backgroundKey(column)};
            const MixCell* cell = results.cell(key);
            if (!cells.contains(key) || !cell || !cell->finished()) continue;
            const QString name = QString::fromStdString(facemix::grid_cell_file_name(
                std::size_t(row), std::size_t(column), grid.faceName(key.first).toStdString(), grid.backgroundName(key.second).toStdString()));
            files.push_back({dir.filePath(name), cell->image, cell->recipe});
        }
    return files;
}

QStringList write_cell_files(const std::vector<CellFile>& files) {
    QStringList written;
    for (const CellFile& file : files) {
        facemix::write_recipe_png(file.path.toStdString(), file.image, file.recipe);
        written << file.path;
    }
    return written;
}

QString suggested_cell_file_name(const MixGridView& grid, const CellKey& key, std::uint64_t seed) {
    return QStringLiteral("%1_x_%2_seed%3.png")
        .arg(stem_of(grid.faceName(key.first)), stem_of(grid.backgroundName(key.second)))
        .arg(seed);
}

ContactSheetCells contact_sheet_cells(const QList<SourceEntry>& faces, const QList<SourceEntry>& backgrounds,
                                      const MixResults& results) {
    ContactSheetCells sheet;
    for (const SourceEntry& entry : faces) sheet.faces.push_back(entry.face.aligned);
    for (const SourceEntry& entry : backgrounds) sheet.backgrounds.push_back(entry.face.aligned);
    sheet.cells.assign(std::size_t(faces.size()), std::vector<std::optional<cv::Mat>>(std::size_t(backgrounds.size())));
    for (int row = 0; row < faces.size(); ++row)
        for (int column = 0; column < backgrounds.size(); ++column)
            if (const MixCell* cell = results.cell({faces[row].key, backgrounds[column].key}); cell && cell->finished())
                sheet.cells[std::size_t(row)][std::size_t(column)] = cell->image;
    return sheet;
}

void write_contact_sheet(const QString& path, const ContactSheetCells& sheet) {
    facemix::write_contact_sheet(path.toStdString(), sheet.faces, sheet.backgrounds, sheet.cells, "not generated");
}

}  // namespace facemix::ui
