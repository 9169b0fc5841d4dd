#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <QList>
#include <QString>

#include "studio_settings.h"

namespace facemix::ui {

// A photo of the session and which of its faces (0 = the largest); for a Faces row made of several
// photos of one person, this photo's weight in the person's mean and the other photos (each with its
// own path, face and weight, and no further photos). Sessions of format 1 have neither: weight 1, alone.
// A pasted image has no file of its own: the session keeps it as a PNG beside itself (`path`, written
// relative to the session's folder) with the hash of its pixels, which names it in recipes.
struct SessionSource {
    QString path;
    int face_index = 0;
    double weight = 1.0;
    std::vector<SessionSource> same_person{};
    QString pasted_hash{};  // empty for a photo file

    bool pasted() const { return !pasted_hash.isEmpty(); }

    bool operator==(const SessionSource&) const = default;
};

// A cell whose seed is known: row and column index the session's faces and backgrounds.
struct SessionCell {
    int row = 0;
    int column = 0;
    std::uint64_t seed = 0;
    bool locked = false;
    QString image;  // the finished cell's PNG, relative to the session file's folder; empty when none

    bool operator==(const SessionCell&) const = default;
};

// What reproduces a grid: the model, the photos (aligned again when opened), the settings and each
// cell's seed and lock, and where its finished image was kept. Stored as JSON, so a person can read and
// edit it.
struct MixSession {
    // 2: a source may carry "weight" and "same_person" (a person of several photos), and "pasted_hash"
    // (a pasted image kept beside the session). Format 1 files read as they always did.
    static constexpr int kFormatVersion = 2;

    QString model_path;
    QList<SessionSource> faces;
    QList<SessionSource> backgrounds;
    StudioSettings settings;
    QList<SessionCell> cells;

    bool operator==(const MixSession&) const = default;
};

QByteArray session_to_json(const MixSession& session);
// Returns nullopt and sets `error` (one sentence naming `what`) when the text is not a session this
// build reads. Settings out of range are clamped as QSettings values are.
std::optional<MixSession> session_from_json(const QByteArray& json, const QString& what, QString& error);

// A session file (written by session_cell_images.h's writers); errors are one sentence naming the file.
// A relative photo path in it is read as relative to the session's folder.
std::optional<MixSession> read_session_file(const QString& path, QString& error);

}  // namespace facemix::ui
