#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include "mix_results.h"

class QWidget;

namespace facemix::ui {

class ExportWriter;
class MixGridView;
class SourceList;

// File ▸ Export: the selected cells as PNGs with their recipes, or the whole grid as a contact sheet.
// What to write is read from the grid on the GUI thread; an ExportWriter writes it.
class GridExporter : public QObject {
    Q_OBJECT
public:
    // Dialogs open over `window`.
    GridExporter(const MixGridView* grid, const MixResults* results, const SourceList* faces, const SourceList* backgrounds,
                 QWidget* window);

    // The finished ones of `cells`; exported() says when they are there.
    void exportCells(const QString& folder, const QList<CellKey>& cells);
    void exportContactSheet(const QString& path);
    void promptExportCells();  // the grid's selected cells, to a folder the user picks
    void promptExportContactSheet();

signals:
    void exported(const QStringList& files);
    void information(const QString& message);
    void problem(const QString& message);

private:
    const MixGridView* grid_;
    const MixResults* results_;
    const SourceList* faces_;
    const SourceList* backgrounds_;
    QWidget* window_;
    ExportWriter* writer_;
};

}  // namespace facemix::ui
