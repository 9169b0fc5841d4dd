#include "session_cell_images.h"

#include <QDir>
#include <QFileInfo>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "io/atomic_file.h"
#include "io/image_file.h"
#include "mix/cell_export.h"
#include "mix/job_files.h"
#include "mix_planner.h"

namespace facemix::ui {

QString session_cells_folder(const QString& session_path) {
    const QFileInfo info(session_path);
    return info.dir().filePath(info.completeBaseName() + QStringLiteral(".cells"));
}

namespace {

// Beside the session under the name the session gives it: a relative path, so a session folder moved or
// copied whole still finds its files.
struct Beside {
    QDir session_folder;
    QDir files;

    QString name(const QString& file, QString& absolute) const {
        absolute = files.filePath(file);
        return session_folder.relativeFilePath(absolute);
    }
};

void name_pasted(SessionSource& source, const CapturedSession& captured, const Beside& beside, QList<SessionSnapshot::PhotoFile>& photos) {
    if (!source.pasted()) return;
    QString absolute;
    source.path = beside.name(QStringLiteral("pasted_%1.png").arg(source.pasted_hash.left(16)), absolute);
    photos.append({absolute, captured.pasted_png.value(source.pasted_hash)});
}

// Writes `write` to `path` unless the memo says that `fingerprint` is there already.
template <typename Write>
void write_once(const QString& path, const std::string& fingerprint, WrittenFiles& written, Write write) {
    const auto known = written.find(path);
    if (known != written.end() && known->second == fingerprint && QFileInfo::exists(path)) return;
    written.erase(path);
    write();
    written[path] = fingerprint;
}

}  // namespace

SessionSnapshot snapshot_session(const QString& session_path, CapturedSession captured, const MixResults& results) {
    SessionSnapshot snapshot;
    snapshot.session = std::move(captured.session);
    MixSession& session = snapshot.session;
    const Beside beside{QFileInfo(session_path).absoluteDir(), QDir(session_cells_folder(QFileInfo(session_path).absoluteFilePath()))};
    // The pasted images first: the cells' file names are made of their sources' names.
    for (QList<SessionSource>* sources : {&session.faces, &session.backgrounds})
        for (SessionSource& source : *sources) {
            name_pasted(source, captured, beside, snapshot.photos);
            for (SessionSource& photo : source.same_person) name_pasted(photo, captured, beside, snapshot.photos);
        }
    for (int i = 0; i < session.cells.size() && i < captured.cell_keys.size(); ++i) {
        SessionCell& stored = session.cells[i];
        stored.image.clear();
        const MixCell* cell = results.cell(captured.cell_keys[i]);
        if (!cell || !cell->finished()) continue;
        const std::string name = facemix::grid_cell_file_name(
            std::size_t(stored.row), std::size_t(stored.column), QFileInfo(session.faces[stored.row].path).fileName().toStdString(),
            QFileInfo(session.backgrounds[stored.column].path).fileName().toStdString());
        QString absolute;
        stored.image = beside.name(QString::fromStdString(name), absolute);
        snapshot.cells.append({absolute, cell->image, cell->recipe});
    }
    return snapshot;
}

void write_session_snapshot(const QString& session_path, const SessionSnapshot& snapshot, WrittenFiles& written) {
    const QString folder = session_cells_folder(session_path);
    const bool beside = !snapshot.cells.isEmpty() || !snapshot.photos.isEmpty();
    const bool made_folder = beside && !QFileInfo(folder).isDir();
    if (made_folder && !QDir().mkpath(folder))
        throw facemix::InputError(QObject::tr("could not create the folder %1 for the session's cells.").arg(folder).toStdString());
    try {
        for (const SessionSnapshot::PhotoFile& photo : snapshot.photos)
            write_once(photo.path, photo.path.toStdString(), written, [&] {
                facemix::write_file_atomic(photo.path.toStdString(), std::string_view(photo.png.constData(), std::size_t(photo.png.size())));
            });
        for (const SessionSnapshot::CellFile& cell : snapshot.cells)
            write_once(cell.path, facemix::recipe_to_json(cell.recipe).dump(), written,
                       [&] { facemix::write_recipe_png(cell.path.toStdString(), cell.image, cell.recipe); });
        QString error;
        if (!write_session_file(session_path, snapshot.session, error)) throw facemix::InputError(error.toStdString());
    } catch (const facemix::InputError&) {
        if (made_folder) QDir().rmdir(folder);  // only when nothing went into it
        throw;
    }
}

bool write_session_file(const QString& path, const MixSession& session, QString& error) {
    try {
        facemix::write_file_atomic(path.toStdString(), session_to_json(session).toStdString());
    } catch (const facemix::InputError& failure) {
        error = QString::fromUtf8(failure.what());
        return false;
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
            stored.face_identity = source_identity(face);
            stored.background_identity = source_identity(background);
            stored.locked = cell.locked;
            images << stored;
        } catch (const std::exception&) {
            ++unreadable;
        }
    }
    return images;
}

}  // namespace facemix::ui
