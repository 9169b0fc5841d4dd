#pragma once

#include <map>
#include <optional>
#include <vector>

#include <QString>

#include "mix_planner.h"
#include "mix_results.h"
#include "step_pace.h"

namespace facemix::ui {

class GenerationWorker;
class MixGridView;
struct GeneratedCell;
struct GenerationProgress;

// The grid's jobs on the generation worker (a Mix, or one cell's new seed): where each job's cells go,
// how far it got, and which cells the grid shows busy meanwhile. The worker also runs the interpolation
// panel's jobs; answers for those are not the grid's and are told apart here.
class GridJobs {
public:
    GridJobs(GenerationWorker* worker, MixGridView* grid) : worker_(worker), grid_(grid) {}

    // A new Mix replaces the one still running, even when it finds nothing to generate.
    void cancelMix();
    // Submits the plan's cells and shows them busy.
    void submit(MixPlan plan, bool is_mix);
    bool empty() const { return jobs_.empty(); }

    // Where an arriving cell goes, counted as finished; none when it is not one of the grid's.
    std::optional<CellKey> place(const GeneratedCell& cell);
    // Takes in a progress report's step times and says "Generating 3 of 8 cells, about 20 s left" (the
    // steps left at the pace of the recent ones), or none when the job is not the grid's.
    std::optional<QString> progressTask(const GenerationProgress& progress);

    // What a job that answered for the last time had done. Its cells that it did not reach are shown idle
    // again unless another running job (a cell's new seed) owns them.
    struct Ended {
        int cells = 0;
        int finished = 0;
        double seconds = 0;

        QString summary(bool cancelled) const;  // for the log: what was generated, or kept of a cancelled job
    };
    std::optional<Ended> end(quint64 job);

private:
    struct Job {
        std::vector<quint64> faces;
        std::vector<quint64> backgrounds;
        int cells = 0;
        int finished = 0;
        qint64 started_ms = 0;
        StepPace pace;

        bool covers(quint64 face, quint64 background) const;
    };

    GenerationWorker* worker_;
    MixGridView* grid_;
    std::map<quint64, Job> jobs_;
    quint64 mix_job_ = 0;
};

}  // namespace facemix::ui
