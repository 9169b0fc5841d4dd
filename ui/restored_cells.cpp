#include "restored_cells.h"

#include "mix_job_builder.h"
#include "mix_planner.h"

namespace facemix::ui {
namespace {

const SourceEntry* find(const QList<SourceEntry>& entries, const QString& identity) {
    for (const SourceEntry& entry : entries)
        if (source_identity(entry) == identity) return &entry;
    return nullptr;
}

}  // namespace

QList<std::pair<CellKey, StoredCellImage>> RestoredCells::take(const QList<SourceEntry>& faces, const QList<SourceEntry>& backgrounds) {
    QList<std::pair<CellKey, StoredCellImage>> placed;
    for (auto it = waiting_.begin(); it != waiting_.end();) {
        const SourceEntry* face = find(faces, it->face_identity);
        const SourceEntry* background = find(backgrounds, it->background_identity);
        // A person's row is judged once all its photos have come back from alignment.
        if (!face || !background || face->photos_pending > 0) {
            ++it;
            continue;
        }
        if (made_of(it->recipe.face, *face) && made_of(it->recipe.background, *background)) placed.append({{face->key, background->key}, *it});
        it = waiting_.erase(it);
    }
    return placed;
}

}  // namespace facemix::ui
