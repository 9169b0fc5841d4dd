#pragma once

#include <optional>

#include <QList>
#include <QString>

#include <opencv2/core/mat.hpp>

#include "mix/recipe.h"
#include "mix_results.h"
#include "mix_session.h"

namespace facemix::ui {

// A session's finished cells as PNGs (each with its recipe) in a folder beside the session file,
// "mix.json" → "mix.cells/", so a reopened session shows its grid without generating it again.
QString session_cells_folder(const QString& session_path);

// Writes the finished cell of each session cell (`keys` parallel to session.cells) into the folder,
// each file atomically, and names it in the cell's `image`. Cells without an image keep none. False
// with `error` (one sentence) when the folder or a file cannot be written.
bool write_session_cell_images(const QString& session_path, MixSession& session, const QList<CellKey>& keys,
                               const MixResults& results, QString& error);

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
