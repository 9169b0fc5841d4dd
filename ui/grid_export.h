#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <QList>
#include <QString>
#include <QStringList>

#include <opencv2/core/mat.hpp>

#include "mix/recipe.h"
#include "mix_results.h"
#include "source_list.h"

namespace facemix::ui {

class MixGridView;

// What File ▸ Export writes, copied out of the grid and the results on the GUI thread so that the
// writing (ExportWriter) never reads the window's state.

// A finished cell as its PNG: where it goes, its pixels and the recipe embedded in it.
struct CellFile {
    QString path;
    cv::Mat image;
    facemix::Recipe recipe;
};

// The finished ones of `cells`, in grid order, named as facemix mix names them: place first
// ("r01c02_face_x_background.png"), so a folder lists in grid order.
std::vector<CellFile> cell_files(const MixGridView& grid, const MixResults& results, const QList<CellKey>& cells,
                                 const QString& folder);
QStringList write_cell_files(const std::vector<CellFile>& files);  // throws what writing throws

// "face_x_background_seed7.png": what Save cell offers.
QString suggested_cell_file_name(const MixGridView& grid, const CellKey& key, std::uint64_t seed);

// The aligned sources along the sheet's edges and the finished cells between them (none where a cell
// has no image).
struct ContactSheetCells {
    std::vector<cv::Mat> faces;
    std::vector<cv::Mat> backgrounds;
    std::vector<std::vector<std::optional<cv::Mat>>> cells;
};

ContactSheetCells contact_sheet_cells(const QList<SourceEntry>& faces, const QList<SourceEntry>& backgrounds,
                                      const MixResults& results);
void write_contact_sheet(const QString& path, const ContactSheetCells& sheet);  // throws what writing throws

}  // namespace facemix::ui
