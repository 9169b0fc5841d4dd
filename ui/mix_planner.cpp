#include "mix_planner.h"

#include <algorithm>

#include <QFileInfo>

#include "mix_job_builder.h"

namespace facemix::ui {
namespace {

QString pin_key(const QString& face_identity, const QString& background_identity) {
    return face_identity + QLatin1Char('|') + background_identity;
}

QString pasted_identity(const QString& hash, int face_index) { return QStringLiteral("pasted:%1#%2").arg(hash).arg(face_index); }

// Sampling is deterministic: a finished cell that a Mix would draw again with the same seed, settings and
// model already holds what it would become, so a Mix after a cancel carries on instead of starting over.
bool already_mixed(const MixCell* cell, std::uint64_t seed, const facemix::SamplingSettings& settings, const std::string& model_name) {
    return cell && cell->finished() && cell->recipe.seed == seed && cell->recipe.settings == settings &&
           cell->recipe.model_name == model_name;
}

// The same, and made of the row's and the column's photos as they are now (a person's row may have
// gained a photo or a weight since).
bool already_mixed(const MixCell* cell, std::uint64_t seed, const facemix::SamplingSettings& settings, const std::string& model_name,
                   const SourceEntry& face, const SourceEntry& background) {
    return already_mixed(cell, seed, settings, model_name) && made_of(cell->recipe.face, face) &&
           made_of(cell->recipe.background, background);
}

}  // namespace

QString source_identity(const QString& path, int face_index) {
    const QString canonical = QFileInfo(path).canonicalFilePath();
    return QStringLiteral("%1#%2").arg(canonical.isEmpty() ? path : canonical).arg(face_index);
}

QString source_identity(const SourceEntry& entry) {
    return entry.path.isEmpty() ? pasted_identity(entry.photo_hash, entry.face_index) : source_identity(entry.path, entry.face_index);
}

QString source_identity(const SessionSource& source) {
    return source.pasted() ? pasted_identity(source.pasted_hash, source.face_index) : source_identity(source.path, source.face_index);
}

void MixPlanner::pin(const QString& face_identity, const QString& background_identity, std::uint64_t seed, bool locked) {
    pins_[pin_key(face_identity, background_identity)] = {seed, locked};
}

void MixPlanner::clearPins() { pins_.clear(); }

MixPlan MixPlanner::plan(const QList<SourceEntry>& faces, const QList<SourceEntry>& backgrounds, const StudioSettings& values,
                         std::size_t batch_cells, const MixResults& results, const std::string& model_name) {
    MixPlan plan;
    plan.job.settings = sampling_settings_of(values);
    plan.job.batch_cells = batch_cells;
    for (const SourceEntry& entry : faces) {
        plan.job.faces.push_back(mix_source_of(entry));
        plan.faces.push_back(entry.key);
    }
    for (const SourceEntry& entry : backgrounds) {
        plan.job.backgrounds.push_back(mix_source_of(entry));
        plan.backgrounds.push_back(entry.key);
    }
    // Random draws every cell's seed itself; core lays out the cells all the same. Any seed is as good as
    // another then, so a finished cell with these settings counts as mixed, and a Mix after a cancel
    // carries on too, unless every cell is finished: then Mix is asked for new draws.
    const bool random = !values.seed_policy.grid;
    const facemix::SeedPolicy grid_policy = values.seed_policy.grid.value_or(facemix::SeedPolicy::Fixed);
    const std::vector<facemix::CellRequest> grid =
        facemix::grid_cells(plan.faces.size(), plan.backgrounds.size(), std::uint64_t(values.seed), grid_policy);
    const bool redraw = random && std::all_of(grid.begin(), grid.end(), [&](const facemix::CellRequest& request) {
        const MixCell* cell = results.cell(plan.key(request.row, request.column));
        return results.isKept(plan.key(request.row, request.column)) ||
               (cell && already_mixed(cell, cell->recipe.seed, plan.job.settings, model_name));
    });
    for (facemix::CellRequest request : grid) {
        const CellKey key = plan.key(request.row, request.column);
        const MixCell* cell = results.cell(key);
        if (random) request.seed = cell && cell->finished() ? cell->recipe.seed : random_seed();
        bool pinned_lock = false;
        if (const auto pin = pins_.find(pin_key(source_identity(faces[int(request.row)]), source_identity(backgrounds[int(request.column)])));
            pin != pins_.end()) {
            request.seed = pin->second.seed;
            pinned_lock = pin->second.locked;
            if (pinned_lock) plan.locked << key;
            pins_.erase(pin);
        }
        if (redraw) request.seed = random_seed();  // new draws, whatever a session stored
        const bool kept = results.isKept(key) || (pinned_lock && cell && cell->finished());
        if (kept || (!redraw && already_mixed(cell, request.seed, plan.job.settings, model_name, faces[int(request.row)],
                                              backgrounds[int(request.column)])))
            continue;
        plan.job.cells.push_back(request);
    }
    return plan;
}

MixPlan MixPlanner::planNewSeed(const SourceEntry& face, const SourceEntry& background, const StudioSettings& values) {
    MixPlan plan;
    plan.job.settings = sampling_settings_of(values);
    plan.job.faces = {mix_source_of(face)};
    plan.job.backgrounds = {mix_source_of(background)};
    facemix::CellRequest request;
    request.seed = random_seed();
    plan.job.cells = {request};
    plan.faces = {face.key};
    plan.backgrounds = {background.key};
    return plan;
}

}  // namespace facemix::ui
