#include "grid_jobs.h"

#include <algorithm>
#include <utility>

#include <QDateTime>

#include "counted_noun.h"
#include "generation_worker.h"
#include "mix_grid_view.h"
#include "progress_status.h"

namespace facemix::ui {

bool GridJobs::Job::covers(quint64 face, quint64 background) const {
    return std::find(faces.begin(), faces.end(), face) != faces.end() &&
           std::find(backgrounds.begin(), backgrounds.end(), background) != backgrounds.end();
}

void GridJobs::cancelMix() {
    if (!mix_job_) return;
    worker_->cancel(mix_job_);
    jobs_.erase(mix_job_);
    mix_job_ = 0;
}

void GridJobs::submit(MixPlan plan, bool is_mix) {
    for (const facemix::CellRequest& request : plan.job.cells) {
        const CellKey key = plan.key(request.row, request.column);
        grid_->setCellBusy(key.first, key.second, true);
    }
    Job job{std::move(plan.faces), std::move(plan.backgrounds), int(plan.job.cells.size()), 0, QDateTime::currentMSecsSinceEpoch(), {}};
    const quint64 id = worker_->submit(std::move(plan.job));
    if (is_mix) mix_job_ = id;
    jobs_[id] = std::move(job);
}

std::optional<CellKey> GridJobs::place(const GeneratedCell& cell) {
    const auto job = jobs_.find(cell.job);
    if (job == jobs_.end()) return std::nullopt;
    Job& cells = job->second;
    if (cell.row >= cells.faces.size() || cell.column >= cells.backgrounds.size()) return std::nullopt;
    ++cells.finished;
    return CellKey{cells.faces[cell.row], cells.backgrounds[cell.column]};
}

std::optional<QString> GridJobs::progressTask(const GenerationProgress& progress) {
    const auto job = jobs_.find(progress.job);
    if (job == jobs_.end()) return std::nullopt;
    job->second.pace.add(progress.steps_done, progress.step_ms);
    QString task = QObject::tr("Generating %1 of %2")
                       .arg(std::min(progress.cells_done + 1, progress.cells_total))
                       .arg(counted(progress.cells_total, QObject::tr("cell"), QObject::tr("cells")));
    const QString left = job->second.pace.timeLeft(progress.steps_done, progress.steps_total);
    if (!left.isEmpty()) task += QStringLiteral(", ") + left;
    return task;
}

QString GridJobs::Ended::summary(bool cancelled) const {
    if (cancelled)
        return QObject::tr("Generation cancelled: %1 of %2 finished and kept; Mix goes on with the rest.")
            .arg(finished)
            .arg(counted(cells, QObject::tr("cell"), QObject::tr("cells")));
    return QObject::tr("Generated %1 in %2 s.").arg(counted(cells, QObject::tr("cell"), QObject::tr("cells"))).arg(seconds, 0, 'f', 1);
}

std::optional<GridJobs::Ended> GridJobs::end(quint64 id) {
    const auto job = jobs_.find(id);
    if (job == jobs_.end()) return std::nullopt;
    const Job cells = std::move(job->second);
    jobs_.erase(job);
    if (id == mix_job_) mix_job_ = 0;
    for (quint64 face : cells.faces)
        for (quint64 background : cells.backgrounds)
            if (grid_->isCellBusy(face, background) &&
                std::none_of(jobs_.begin(), jobs_.end(), [&](const auto& other) { return other.second.covers(face, background); }))
                grid_->setCellBusy(face, background, false);
    return Ended{cells.cells, cells.finished,
                 double(QDateTime::currentMSecsSinceEpoch() - cells.started_ms) / 1000.0};
}

}  // namespace facemix::ui
