#include "session_cell_images.h"

#include <QDir>
#include <QFileInfo>

#include "io/image_file.h"
#include "mix/cell_export.h"
#include "mix/job_files.h"
#include "mix_planner.h"

namespace facemix::ui {

QString session_cells_folder(const QString& session_path) {
    const QFileInfo info(session_path);
    return info.dir().filePath(info.completeBaseName() + QStringLiteral(".cells"));
}

bool write_session_cell_images(const QString& session_path, MixSession& session, const QList<CellKey>& keys,
                               const MixResults& results, QString& error) {
    const QString folder = session_cells_folder(session_path);
    const QDir beside = QFileInfo(session_path).dir();
    bool made_folder = false;
    for (int i = 0; i < session.cells.size() && i < keys.size(); ++i) {
        SessionCell& stored = session.cells[i];
        stored.image.clear();
        const MixCell* cell = results.cell(keys[i]);
        if (!cell || !cell->finished()) continue;
        if (!made_folder && !QDir().mkpath(folder)) {
            error = QObject::tr("Cannot create the folder %1 for the session's cells.").arg(folder);
            return false;
        }
        made_folder = true;
        const std::string name = facemix::grid_cell_file_name(
            std::size_t(stored.row), std::size_t(stored.column), QFileInfo(session.faces[stored.row].path).fileName().toStdString(),
            QFileInfo(session.backgrounds[stored.column].path).fileName().toStdString());
        const QString path = QDir(folder).filePath(QString::fromStdString(name));
        try {
            facemix::write_recipe_png(path.toStdString(), cell->image, cell->recipe);
        } catch (const std::exception& failure) {
            error = QObject::tr("Cannot write the session's cell %1: %2").arg(path, QString::fromUtf8(failure.what()));
            return false;
        }
        // Relative, so a session folder moved or copied whole still finds its cells.
        stored.image = beside.relativeFilePath(path);
    }
    return true;
}

QList<StoredCellImage> read_session_cell_images(const QString& session_path, const MixSession& session, int& unreadable) {
    QList<StoredCellImage> images;
    unreadable = 0;
    const QDir beside = QFileInfo(session_path).dir();
    for (const SessionCell& cell : session.cells) {
        if (cell.image.isEmpty()) continue;
        const QString path = beside.filePath(cell.image);
        try {
            StoredCellImage stored;
            stored.recipe = facemix::read_recipe_png(path.toStdString());
            stored.image = facemix::load_image(path.toStdString());
            // A picture whose recipe names another seed is not this cell's any more.
            if (stored.recipe.seed != cell.seed) {
                ++unreadable;
                continue;
            }
            const SessionSource& face = session.faces[cell.row];
            const SessionSource& background = session.backgrounds[cell.column];
            stored.face_identity = source_identity(face.path, face.face_index);
            stored.background_identity = source_identity(background.path, background.face_index);
            stored.locked = cell.locked;
            images << stored;
        } catch (const std::exception&) {
            ++unreadable;
        }
    }
    return images;
}

}  // namespace facemix::ui
