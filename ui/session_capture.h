#pragma once

#include <QList>
#include <QString>

#include "mix_results.h"
#include "mix_session.h"
#include "source_list.h"

namespace facemix::ui {

// The session that reproduces what the window holds: the model, the photos a session can name, the
// settings, and the seed and lock of every cell that has one. Pasted images have no file to reopen,
// so they are left out and counted.
struct CapturedSession {
    MixSession session;
    QList<CellKey> cell_keys;  // the grid's cell of each session.cells entry
    int unnamed_sources = 0;
};

CapturedSession capture_session(const QString& model_path, const StudioSettings& settings, const QList<SourceEntry>& faces,
                                const QList<SourceEntry>& backgrounds, const MixResults& results);

}  // namespace facemix::ui
