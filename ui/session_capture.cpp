#include "session_capture.h"

#include <map>

#include <QFileInfo>

namespace facemix::ui {
namespace {

// Appends the named entries to `sources` and returns each one's index there by its list key.
std::map<quint64, int> add_named(const QList<SourceEntry>& entries, QList<SessionSource>& sources, int& unnamed) {
    std::map<quint64, int> index;
    for (const SourceEntry& entry : entries) {
        if (entry.path.isEmpty()) {
            ++unnamed;
            continue;
        }
        index[entry.key] = int(sources.size());
        SessionSource source{QFileInfo(entry.path).absoluteFilePath(), entry.face_index, entry.weight};
        for (const SourceEntry& photo : entry.same_person)
            if (!photo.path.isEmpty()) source.same_person.push_back({QFileInfo(photo.path).absoluteFilePath(), photo.face_index, photo.weight});
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
    const auto rows = add_named(faces, session.faces, captured.unnamed_sources);
    const auto columns = add_named(backgrounds, session.backgrounds, captured.unnamed_sources);
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
