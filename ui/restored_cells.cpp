#include "restored_cells.h"

#include "mix_planner.h"

namespace facemix::ui {
namespace {

const SourceEntry* find(const QList<SourceEntry>& entries, const QString& identity) {
    for (const SourceEntry& entry : entries)
        if (!entry.path.isEmpty() && source_identity(entry.path, entry.face_index) == identity) return &entry;
    return nullptr;
}

bool made_of(const facemix::BlendRecord& blend, const SourceEntry& entry) {
    return blend.sources.size() == 1 && QString::fromStdString(blend.sources.front().image_hash) == entry.photo_hash;
}

}  // namespace

QList<std::pair<CellKey, StoredCellImage>> RestoredCells::take(const QList<SourceEntry>& faces, const QList<SourceEntry>& backgrounds) {
    QList<std::pair<CellKey, StoredCellImage>> placed;
    for (auto it = waiting_.begin(); it != waiting_.end();) {
        const SourceEntry* face = find(faces, it->face_identity);
        const SourceEntry* background = find(backgrounds, it->background_identity);
        if (!face || !background) {
            ++it;
            continue;
        }
        if (made_of(it->recipe.face, *face) && made_of(it->recipe.background, *background)) placed.append({{face->key, background->key}, *it});
        it = waiting_.erase(it);
    }
    return placed;
}

}  // namespace facemix::ui
