#include "cast_runner.h"

#include <algorithm>
#include <exception>
#include <utility>

#include <QDir>

#include "common/error.h"
#include "counted_noun.h"
#include "generation_worker.h"
#include "identity/face_descriptor.h"
#include "mix/cell_export.h"
#include "mix/job_files.h"
#include "mix/source_loader.h"
#include "mix_job_builder.h"

namespace facemix::ui {

CastRunner::CastRunner(GenerationWorker* worker, QObject* parent) : QObject(parent), worker_(worker) {
    pool_.setMaxThreadCount(1);
    pool_.setObjectName(QStringLiteral("facemix-cast"));
    connect(worker_, &GenerationWorker::cellReady, this, &CastRunner::onCell);
    connect(worker_, &GenerationWorker::progressChanged, this, &CastRunner::onProgress);
    connect(worker_, &GenerationWorker::jobFinished, this, [this](quint64 job, bool cancelled) { onJobEnded(job, cancelled, {}); });
    connect(worker_, &GenerationWorker::jobFailed, this, [this](quint64 job, const QString& error) { onJobEnded(job, false, error); });
}

CastRunner::~CastRunner() { pool_.waitForDone(); }

bool CastRunner::start(facemix::CastDirection direction, const SourceEntry* fixed, const QString& folder, const QString& output,
                       const StudioSettings& values, std::size_t batch_cells, QString& error) {
    if (!worker_->hasModel()) {
        error = tr("Open a model before casting.");
        return false;
    }
    if (!fixed) {
        error = direction == facemix::CastDirection::BackgroundWithFaces ? tr("Add a background to cast faces on first.")
                                                                         : tr("Add a face to cast first.");
        return false;
    }
    if (busy_) {
        error = tr("A cast is running already; wait for it or cancel it.");
        return false;
    }
    if (!QDir().mkpath(output)) {
        error = tr("Cannot create the folder %1 for the cast.").arg(output);
        return false;
    }
    busy_ = true;
    cancelled_ = false;
    batch_cells_ = std::max<std::size_t>(1, batch_cells);
    direction_ = direction;
    output_ = output;
    facemix::MixSource source = mix_source_of(*fixed);
    facemix::SamplingSettings settings = sampling_settings_of(values);
    const auto seed = std::uint64_t(values.seed);
    const std::string photos = folder.toStdString();
    emit information(tr("Cast: aligning the photos of %1…").arg(folder));
    emit progressChanged(tr("Casting: aligning the photos"), 0, 0);
    // The destructor waits for this thread, so `this` outlives the posts.
    pool_.start([this, direction, source = std::move(source), settings, seed, photos]() mutable {
        QStringList skipped;
        try {
            std::vector<facemix::MixSource> varied;
            facemix::SourceLoader loader;
            for (const auto& file : facemix::cast_photo_files({photos})) {
                try {
                    varied.push_back(loader.load(file.string()));
                } catch (const facemix::InputError& bad) {
                    skipped << QString::fromUtf8(bad.what());
                }
            }
            facemix::MixJob job = facemix::cast_job(direction, std::move(source), std::move(varied), seed, facemix::SeedPolicy::Fixed);
            job.settings = settings;
            QMetaObject::invokeMethod(
                this,
                [this, job = std::move(job), skipped]() mutable {
                    for (const QString& line : skipped) emit information(tr("Cast: skipped: %1").arg(line));
                    submit(std::move(job));
                },
                Qt::QueuedConnection);
        } catch (const std::exception& failure) {
            const QString message = QString::fromUtf8(failure.what());
            QMetaObject::invokeMethod(this, [this, message] { fail(message); }, Qt::QueuedConnection);
        }
    });
    return true;
}

void CastRunner::submit(facemix::MixJob job) {
    if (cancelled_) {  // cancelled while aligning
        end({}, {}, tr("Cast cancelled before any cell was made."));
        return;
    }
    cells_.assign(direction_ == facemix::CastDirection::BackgroundWithFaces ? job.faces.size() : job.backgrounds.size(), cv::Mat());
    answered_.assign(cells_.size(), false);
    job.batch_cells = batch_cells_;
    cast_ = job;
    emit information(tr("Cast: generating %1.").arg(counted(qsizetype(cells_.size()), tr("cell"), tr("cells"))));
    job_ = worker_->submit(std::move(job));
}

void CastRunner::cancel() {
    if (!busy_ || cancelled_) return;
    cancelled_ = true;
    // The job answers jobFinished(cancelled) within one UNet call, and onJobEnded ranks what it made.
    if (job_) worker_->cancel(job_);
    emit progressChanged(tr("Casting: stopping"), 0, 0);
}

void CastRunner::onProgress(const GenerationProgress& progress) {
    if (!job_ || progress.job != job_ || cancelled_) return;
    emit progressChanged(tr("Casting: %1 of %2").arg(progress.cells_done).arg(counted(progress.cells_total, tr("cell"), tr("cells"))),
                         progress.steps_done, std::max(1, progress.steps_total));
}

void CastRunner::onCell(const GeneratedCell& cell) {
    if (!job_ || cell.job != job_) return;
    facemix::CellRequest request;
    request.row = cell.row;
    request.column = cell.column;
    const std::size_t index = facemix::cast_index(direction_, request);
    if (index >= cells_.size()) return;
    answered_[index] = true;
    if (!cell.ok()) return;
    cells_[index] = cell.image;
    const std::string name = facemix::grid_cell_file_name(cell.row, cell.column, cast_.faces.at(cell.row).file,
                                                           cast_.backgrounds.at(cell.column).file);
    try {
        facemix::write_recipe_png((output_ + QLatin1Char('/') + QString::fromStdString(name)).toStdString(), cell.image, cell.recipe);
    } catch (const std::exception& failure) {
        emit information(tr("Cast: cannot write %1: %2").arg(QString::fromStdString(name), QString::fromUtf8(failure.what())));
    }
}

void CastRunner::onJobEnded(quint64 job, bool cancelled, const QString& error) {
    if (!job_ || job != job_) return;
    job_ = 0;
    if (!error.isEmpty()) {
        fail(error);
        return;
    }
    rank(cancelled);
}

void CastRunner::rank(bool cancelled) {
    const auto made = std::count(answered_.begin(), answered_.end(), true);
    if (made == 0 && cancelled) {
        end({}, {}, tr("Cast cancelled before any cell was made."));
        return;
    }
    emit progressChanged(tr("Casting: ranking %1").arg(counted(qsizetype(made), tr("cell"), tr("cells"))), 0, 0);
    const QString opening = cancelled ? tr("Cast cancelled: %1 of %2 ranked in").arg(made).arg(counted(qsizetype(cells_.size()), tr("cell"), tr("cells")))
                                      : tr("Cast written:");
    pool_.start([this, job = cast_, cells = cells_, answered = answered_, direction = direction_, folder = output_.toStdString(), opening] {
        try {
            facemix::FaceDescriptor descriptor;
            const auto ranked = facemix::reached_entries(facemix::rank_cast(descriptor, job, direction, cells), answered);
            const facemix::CastFiles files = facemix::write_cast_files(folder, job, direction, ranked);
            QString summary = tr("%1 %2.").arg(opening, QString::fromStdString(files.sheet.string()));
            if (!ranked.empty() && ranked.front().identity)
                summary += tr(" Best: %1 (identity %2).").arg(QString::fromStdString(ranked.front().source)).arg(*ranked.front().identity, 0, 'f', 3);
            const QString sheet = QString::fromStdString(files.sheet.string()), csv = QString::fromStdString(files.csv.string());
            QMetaObject::invokeMethod(this, [this, sheet, csv, summary] { end(sheet, csv, summary); }, Qt::QueuedConnection);
        } catch (const std::exception& failure) {
            const QString message = QString::fromUtf8(failure.what());
            QMetaObject::invokeMethod(this, [this, message] { fail(message); }, Qt::QueuedConnection);
        }
    });
}

void CastRunner::end(const QString& sheet, const QString& csv, const QString& summary) {
    busy_ = false;
    job_ = 0;
    emit finished(sheet, csv, summary);
}

void CastRunner::fail(const QString& message) {
    busy_ = false;
    job_ = 0;
    emit failed(tr("The cast failed: %1").arg(message));
}

}  // namespace facemix::ui
