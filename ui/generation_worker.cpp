#include "generation_worker.h"

#include <chrono>
#include <new>
#include <utility>

#include "common/error.h"
#include "image_conversion.h"
#include "mix/face_similarity.h"
#include "mix/identity_meter.h"
#include "mix/mix_engine.h"

namespace facemix::ui {

namespace {

// c10 and CUDA errors carry a backtrace or hints after their first line; a person needs the first.
QString first_line(const char* text) {
    const QString message = QString::fromUtf8(text);
    return message.left(message.indexOf(QLatin1Char('\n'))).trimmed();
}

// Progress is posted at most this often: a tiny model makes hundreds of steps a second, and each post
// costs the GUI thread an event.
constexpr auto kProgressInterval = std::chrono::milliseconds(40);

}  // namespace

// The engine and what it was built from, and the identity meter (kept across models: its
// face-recognition network does not depend on them). Touched only on the worker thread.
struct GenerationWorker::Engine {
    std::unique_ptr<facemix::MixEngine> engine;
    facemix::IdentityMeter identity;
    std::shared_ptr<const facemix::ModelBundle> model;  // held so the key below can never be a reused address
    QString name;
    ComputeChoice compute;

    bool matches(const Target& target) const {
        return engine && model == target.model && name == target.name && compute == target.compute;
    }

    // Returns the engine for `target`, building it when the model or the compute choice changed.
    // Throws InputError (no model, unusable device, weights that do not fit) and whatever loading throws.
    facemix::MixEngine& for_target(const Target& target) {
        if (matches(target)) return *engine;
        if (!target.model) throw facemix::InputError("Open a model first.");
        engine.reset();  // free the old networks before loading the new ones: both may not fit at once
        model.reset();
        const facemix::ComputeTarget resolved =
            facemix::resolve_compute_target(target.compute.device.toStdString(), target.compute.precision.toStdString(),
                                            target.compute.weight_memory.toStdString());
        engine = std::make_unique<facemix::MixEngine>(*target.model, target.name.toStdString(), resolved);
        model = target.model;
        name = target.name;
        compute = target.compute;
        return *engine;
    }
};

GenerationWorker::GenerationWorker(QObject* parent) : QObject(parent), engine_(std::make_shared<Engine>()) {
    // One thread: one engine runs one job at a time, and the device's memory holds one set of weights.
    pool_.setMaxThreadCount(1);
    pool_.setExpiryTimeout(-1);  // keep the thread (and the device context it made) between jobs
    pool_.setObjectName(QStringLiteral("facemix-generate"));
}

GenerationWorker::~GenerationWorker() {
    cancelAll();
    pool_.clear();
    pool_.waitForDone();  // the running job stops within one UNet call; its posts die with `this`
}

void GenerationWorker::post(std::function<void()> on_gui_thread) {
    QMetaObject::invokeMethod(this, std::move(on_gui_thread), Qt::QueuedConnection);
}

void GenerationWorker::setModel(std::shared_ptr<const facemix::ModelBundle> model, const QString& name) {
    model_ = std::move(model);
    model_name_ = name;
    prepare();
}

void GenerationWorker::setCompute(const ComputeChoice& compute) {
    if (compute == compute_) return;
    compute_ = compute;
    if (model_) prepare();
}

void GenerationWorker::prepare() {
    if (!model_) return;
    pool_.start([this, engine = engine_, target = target()] {
        QString description, error;
        try {
            description = QString::fromStdString(engine->for_target(target).target().description());
        } catch (const std::bad_alloc&) {
            error = tr("Out of memory while loading %1.").arg(target.name);
        } catch (const std::exception& failure) {
            error = first_line(failure.what());
        }
        post([this, description, error] {
            if (!error.isEmpty()) {
                emit engineFailed(error);
                return;
            }
            engine_description_ = description;
            emit engineReady(description);
        });
    });
}

quint64 GenerationWorker::submit(facemix::MixJob job) {
    const quint64 id = next_job_++;
    std::stop_source stop;
    active_.emplace(id, stop);
    auto shared_job = std::make_shared<const facemix::MixJob>(std::move(job));
    pool_.start([this, id, stop, engine = engine_, target = target(), job = std::move(shared_job)] {
        const std::stop_token token = stop.get_token();
        if (token.stop_requested()) {  // cancelled while queued: do not even build the engine
            post([this, id] {
                active_.erase(id);
                emit jobFinished(id, true);
            });
            return;
        }
        const int steps = static_cast<int>(job->settings.steps);
        auto last_post = std::chrono::steady_clock::now() - kProgressInterval;
        facemix::MixCallbacks callbacks;
        callbacks.on_cell = [this, id, engine, target, job](const facemix::CellResult& result) {
            GeneratedCell cell;
            cell.job = id;
            cell.row = result.request.row;
            cell.column = result.request.column;
            cell.seed = result.request.seed;
            cell.error = QString::fromStdString(result.error);
            if (result.ok()) {
                cell.image = result.image;
                cell.preview = to_qimage(result.image);  // converted here, so the GUI thread only draws it
                cell.recipe = result.recipe;
                try {  // the plots' numbers, measured here where the encoder is; a failure only leaves them blank
                    facemix::SourceEmbedder& embedder = engine->for_target(target).embedder();
                    const facemix::CellRequest& request = result.request;
                    const bool faces_move = request.face.from != request.face.to;
                    if (!faces_move && request.background.from == request.background.to) {
                        // A grid cell: the heatmap's identity reading. A frame between two sources gets its
                        // closeness to both instead, for the interpolation curve.
                        cell.identity = engine->identity.measure(embedder, result.image, job->faces.at(request.face.from).aligned);
                    } else {
                        const facemix::Blend& blend = faces_move ? request.face : request.background;
                        const auto& sources = faces_move ? job->faces : job->backgrounds;
                        const auto part = faces_move ? facemix::ImagePart::FaceCrop : facemix::ImagePart::MaskedBackground;
                        cell.closeness_to_from = facemix::embedding_similarity(embedder, result.image, sources.at(blend.from).aligned, part);
                        cell.closeness_to_to = facemix::embedding_similarity(embedder, result.image, sources.at(blend.to).aligned, part);
                        cell.blend_position = blend.t;
                    }
                } catch (const std::exception&) {
                }
            }
            post([this, cell = std::move(cell)] { emit cellReady(cell); });
        };
        auto last_step = std::chrono::steady_clock::now();
        std::vector<double> pending_step_ms;
        callbacks.on_progress = [this, id, steps, &last_post, &last_step, &pending_step_ms](const facemix::JobProgress& progress) {
            const auto now = std::chrono::steady_clock::now();
            if (progress.step > 0)  // a denoising step of the batch finished
                pending_step_ms.push_back(std::chrono::duration<double, std::milli>(now - last_step).count());
            last_step = now;
            const bool cell_boundary = progress.step == 0;
            if (!cell_boundary && now - last_post < kProgressInterval) return;
            last_post = now;
            GenerationProgress report;
            report.job = id;
            report.cells_done = static_cast<int>(progress.cells_done);
            report.cells_total = static_cast<int>(progress.cells_total);
            report.steps_total = report.cells_total * steps;
            const std::size_t in_batch = progress.steps ? progress.step * progress.batch_cells * steps / progress.steps : 0;
            report.steps_done = std::min(report.steps_total, static_cast<int>(progress.cells_done * steps + in_batch));
            report.step_ms = std::exchange(pending_step_ms, {});
            post([this, report] { emit progressChanged(report); });
        };

        QString error;
        bool cancelled = false;
        try {
            facemix::MixEngine& mix = engine->for_target(target);
            const QString description = QString::fromStdString(mix.target().description());
            post([this, description] {
                if (description != engine_description_) {
                    engine_description_ = description;
                    emit engineReady(description);
                }
            });
            mix.run(*job, callbacks, token);
        } catch (const facemix::Cancelled&) {
            cancelled = true;
        } catch (const std::bad_alloc&) {
            error = tr("Out of memory while generating; try fewer cells, a lower resolution or another precision.");
        } catch (const std::exception& failure) {
            error = first_line(failure.what());
        }
        post([this, id, error, cancelled] {
            active_.erase(id);
            if (error.isEmpty())
                emit jobFinished(id, cancelled);
            else
                emit jobFailed(id, error);
        });
    });
    return id;
}

void GenerationWorker::cancel(quint64 job) {
    if (auto found = active_.find(job); found != active_.end()) found->second.request_stop();
}

void GenerationWorker::cancelAll() {
    for (auto& [id, stop] : active_) stop.request_stop();
}

}  // namespace facemix::ui
