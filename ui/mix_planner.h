#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <QList>
#include <QString>

#include "mix/mix_job.h"
#include "mix_results.h"
#include "mix_session.h"
#include "source_list.h"
#include "studio_settings.h"

namespace facemix::ui {

// A source as a session names it, "canonical path#face index", so that a reopened session's seeds find
// their cells again whichever order the photos come back in.
QString source_identity(const QString& path, int face_index);
// The same for a list entry and for a source as a session names it; a pasted image, which has no file,
// is known by the hash of its pixels ("pasted:HASH#face index"), which a session keeps with it.
QString source_identity(const SourceEntry& entry);
QString source_identity(const SessionSource& source);

// A Mix as the generation worker takes it, and where its cells go: the job's rows and columns as list
// keys.
struct MixPlan {
    facemix::MixJob job;
    std::vector<quint64> faces;
    std::vector<quint64> backgrounds;
    QList<CellKey> locked;  // cells that a reopened session locked, for the window to lock

    CellKey key(std::size_t row, std::size_t column) const { return {faces[row], backgrounds[column]}; }
};

// Chooses what a Mix generates: every face × background cell with the seed of the settings' policy (the
// seeds of facemix mix), except the cells that are locked, or already hold what they would become. A
// reopened session's cells keep the seeds and locks it stored, once, at the next Mix.
class MixPlanner {
public:
    void pin(const QString& face_identity, const QString& background_identity, std::uint64_t seed, bool locked);
    void clearPins();

    // `model_name` is what finished cells' recipes name, to know a cell already mixed with this model.
    // Uses up the pins of the cells it plans.
    MixPlan plan(const QList<SourceEntry>& faces, const QList<SourceEntry>& backgrounds, const StudioSettings& values,
                 std::size_t batch_cells, const MixResults& results, const std::string& model_name);
    // One cell again with a new random seed, whatever its lock or its last seed.
    static MixPlan planNewSeed(const SourceEntry& face, const SourceEntry& background, const StudioSettings& values);

private:
    struct Pin {
        std::uint64_t seed = 0;
        bool locked = false;
    };
    std::map<QString, Pin> pins_;  // by "face identity|background identity"
};

}  // namespace facemix::ui
