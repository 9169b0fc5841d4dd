#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include "mix_results.h"
#include "mix_session.h"
#include "source_list.h"

namespace facemix::ui {

// The session that reproduces what the window holds: the model, the photos, the settings, and the seed
// and lock of every cell that has one. A pasted image is a source with its pixels' hash and no path yet:
// where its PNG goes is the writer's to say (session_cell_images.h), from the bytes kept here.
struct CapturedSession {
    MixSession session;
    QList<CellKey> cell_keys;  // the grid's cell of each session.cells entry
    QHash<QString, QByteArray> pasted_png;  // by SessionSource::pasted_hash
};

CapturedSession capture_session(const QString& model_path, const StudioSettings& settings, const QList<SourceEntry>& faces,
                                const QList<SourceEntry>& backgrounds, const MixResults& results);

}  // namespace facemix::ui
