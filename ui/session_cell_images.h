#pragma once

#include <map>
#include <string>

#include <QByteArray>
#include <QList>
#include <QString>

#include <opencv2/core/mat.hpp>

#include "mix/recipe.h"
#include "mix_results.h"
#include "mix_session.h"
#include "session_capture.h"

namespace facemix::ui {

// The files a session keeps beside itself, in a folder named after it ("mix.json" → "mix.cells/"): its
// finished cells as PNGs (each with its recipe), so a reopened session shows its grid without generating
// it again, and its pasted images as PNGs, since they have no file of their own.
QString session_cells_folder(const QString& session_path);

// A session as it is to be written, with the files that go beside it: taken from the window on the GUI
// thread (the images are shared, not copied) and written by write_session_snapshot() on a worker.
struct SessionSnapshot {
    struct CellFile {
        QString path;
        cv::Mat image;  // 8-bit BGR
        facemix::Recipe recipe;
    };
    struct PhotoFile {
        QString path;
        QByteArray png;
    };
    MixSession session;  // each finished cell's `image` and each pasted image's `path` named, relative to its folder
    QList<CellFile> cells;
    QList<PhotoFile> photos;
};

// Names the files of `captured` beside `session_path`: the finished cell of each session cell (cells
// without one keep no image) and each pasted image.
SessionSnapshot snapshot_session(const QString& session_path, CapturedSession captured, const MixResults& results);

// What a writer last put at each path (a fingerprint of its content), so a session written again and
// again (the autosave, after every finished cell) writes each cell once rather than the whole grid.
using WrittenFiles = std::map<QString, std::string>;

// Writes the files beside the session, then the session file, so a session never names a picture that
// is not there yet; each file atomically, and none that `written` says is there already with the same
// content. Throws InputError, one sentence, at the first failure (a full disk, a read-only folder),
// leaving every file whole and no folder that this write made and could not fill.
void write_session_snapshot(const QString& session_path, const SessionSnapshot& snapshot, WrittenFiles& written);

// The session file alone, atomically (core's writer, io/atomic_file.h). False with `error`, one sentence
// ("could not write PATH: no space left on device."), when it cannot be written.
bool write_session_file(const QString& path, const MixSession& session, QString& error);

// A session cell's image as read back, for the sources it was made of.
struct StoredCellImage {
    QString face_identity;        // source_identity() of the face and the background it was made of
    QString background_identity;
    cv::Mat image;                // 8-bit BGR
    facemix::Recipe recipe;
    bool locked = false;
};

// The images the session's cells name; a missing or unreadable one is left out (Mix makes it again) and
// counted in `unreadable`.
QList<StoredCellImage> read_session_cell_images(const QString& session_path, const MixSession& session, int& unreadable);

}  // namespace facemix::ui
