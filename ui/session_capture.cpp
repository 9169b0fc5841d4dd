#include "session_capture.h"

#include <map>

#include <QFileInfo>

namespace facemix::ui {
namespace {

SessionSource source_of(const SourceEntry& entry, QHash<QString, QByteArray>& pasted_png) {
    if (!entry.path.isEmpty()) return {QFileInfo(entry.path).absoluteFilePath(), entry.face_index, entry.weight};
    pasted_png.insert(entry.photo_hash, entry.pasted_png);
    return {{}, entry.face_index, entry.weight, {}, entry.photo_hash};
}

// Appends the entries to `sources` and returns each one's index there by its list key.
std::map<quint64, int> add_sources(const QList<SourceEntry>& entries, QList<SessionSource>& sources, QHash<QString, QByteArray>& pasted_png) {
    std::map<quint64, int> index;
    for (const SourceEntry& entry : entries) {
        index[entry.key] = int(sources.size());
        SessionSource source = source_of(entry, pasted_png);
        for (const SourceEntry& photo : entry.same_person) source.same_person.push_back(source_of(photo, pasted_png));
        sources.append(std::move(source));
    }
    return index;
}

}  // namespace

CapturedSession capture_session(const QString& model_path, const StudioSettings& settings, const QList<SourceEntry>& faces,
                                const QList<SourceEntry>& backgrounds, const MixResults& results) {
    CapturedSession captured;
    MixSession& session = captured.session;
    session.model_path = model_path;
    session.settings = settings;
    const auto rows = add_sources(faces, session.faces, captured.pasted_png);
    const auto columns = add_sources(backgrounds, session.backgrounds, captured.pasted_png);
    for (const auto& [key, cell] : results.cells()) {
        const auto row = rows.find(key.first);
        const auto column = columns.find(key.second);
        if (!cell.seed || row == rows.end() || column == columns.end()) continue;
        session.cells.append({row->second, column->second, *cell.seed, cell.locked, {}});
        captured.cell_keys.append(key);
    }
    return captured;
}

}  // namespace facemix::ui
