#include "cast_runner.h"

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
    connect(worker_, &GenerationWorker::jobFinished, this, [this](quint64 job, bool cancelled) { onJobEnded(job, cancelled, {}); });
    connect(worker_, &GenerationWorker::jobFailed, this, [this](quint64 job, const QString& error) { onJobEnded(job, false, error); });
}

CastRunner::~CastRunner() { pool_.waitForDone(); }

bool CastRunner::start(facemix::CastDirection direction, const SourceEntry& fixed, const QString& folder, const QString& output,
                       const StudioSettings& values, QString& error) {
    if (busy_) {
        error = tr("A cast is running already; wait for it or cancel it.");
        return false;
    }
    if (!QDir().mkpath(output)) {
        error = tr("Cannot create the folder %1 for the cast.").arg(output);
        return false;
    }
    busy_ = true;
    direction_ = direction;
    output_ = output;
    facemix::MixSource source = mix_source_of(fixed);
    facemix::SamplingSettings settings = sampling_settings_of(values);
    const auto seed = std::uint64_t(values.seed);
    const std::string photos = folder.toStdString();
    emit information(tr("Cast: aligning the photos of %1…").arg(folder));
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
    if (!busy_) return;  // cancelled while aligning
    cells_.assign(direction_ == facemix::CastDirection::BackgroundWithFaces ? job.faces.size() : job.backgrounds.size(), cv::Mat());
    cast_ = job;
    emit information(tr("Cast: generating %1.").arg(counted(qsizetype(cells_.size()), tr("cell"), tr("cells"))));
    job_ = worker_->submit(std::move(job));
}

void CastRunner::cancel() {
    if (!busy_) return;
    if (job_) worker_->cancel(job_);
    job_ = 0;
    busy_ = false;
    emit information(tr("Cast cancelled."));
}

void CastRunner::onCell(const GeneratedCell& cell) {
    if (!job_ || cell.job != job_ || !cell.ok()) return;
    facemix::CellRequest request;
    request.row = cell.row;
    request.column = cell.column;
    const std::size_t index = facemix::cast_index(direction_, request);
    if (index >= cells_.size()) return;
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
    if (cancelled) {
        busy_ = false;
        return;
    }
    pool_.start([this, job = cast_, cells = cells_, direction = direction_, folder = output_.toStdString()] {
        try {
            facemix::FaceDescriptor descriptor;
            const auto ranked = facemix::rank_cast(descriptor, job, direction, cells);
            const facemix::CastFiles files = facemix::write_cast_files(folder, job, direction, ranked);
            QString summary = tr("Cast written: %1.").arg(QString::fromStdString(files.sheet.string()));
            if (!ranked.empty() && ranked.front().identity)
                summary += tr(" Best: %1 (identity %2).").arg(QString::fromStdString(ranked.front().source)).arg(*ranked.front().identity, 0, 'f', 3);
            const QString sheet = QString::fromStdString(files.sheet.string()), csv = QString::fromStdString(files.csv.string());
            QMetaObject::invokeMethod(
                this,
                [this, sheet, csv, summary] {
                    busy_ = false;
                    emit finished(sheet, csv, summary);
                },
                Qt::QueuedConnection);
        } catch (const std::exception& failure) {
            const QString message = QString::fromUtf8(failure.what());
            QMetaObject::invokeMethod(this, [this, message] { fail(message); }, Qt::QueuedConnection);
        }
    });
}

void CastRunner::fail(const QString& message) {
    busy_ = false;
    job_ = 0;
    emit failed(tr("The cast failed: %1").arg(message));
}

}  // namespace facemix::ui
