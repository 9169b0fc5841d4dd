#pragma once

#include <vector>

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>

#include <QImage>
#include <QObject>
#include <QString>
#include <QThreadPool>

#include <opencv2/core/mat.hpp>

#include "mix/identity_reading.h"
#include "mix/recipe.h"
#include "studio_settings.h"

namespace facemix {
struct ModelBundle;
struct MixJob;
}  // namespace facemix

namespace facemix::ui {

// One cell of a job as it reaches the GUI thread: the image in both forms (core's for saving with its
// recipe, Qt's for showing), or the sentence that says why it failed.
struct GeneratedCell {
    quint64 job = 0;
    std::size_t row = 0;     // the job's CellRequest::row and ::column
    std::size_t column = 0;
    std::uint64_t seed = 0;
    cv::Mat image;           // 8-bit BGR; empty when the cell failed
    QImage preview;          // the same pixels as a QImage
    facemix::Recipe recipe;
    QString error;
    // How much of its face source's identity a grid cell kept (core/mix/identity_meter.h): the dlib
    // descriptor distance, or the encoder cosine where there is no descriptor. None for interpolation
    // frames, and when it could not be measured.
    std::optional<facemix::IdentityReading> identity;
    // For a frame between two sources (its face or background blend moves): where it lies (0 = from,
    // 1 = to) and the cosine of its moving part's embedding (face crop, or masked background) to each
    // endpoint's. NaN for grid cells, and when it could not be measured.
    double blend_position = std::numeric_limits<double>::quiet_NaN();
    double closeness_to_from = std::numeric_limits<double>::quiet_NaN();
    double closeness_to_to = std::numeric_limits<double>::quiet_NaN();

    bool ok() const { return error.isEmpty(); }
};

struct GenerationProgress {
    quint64 job = 0;
    int cells_done = 0;
    int cells_total = 0;
    int steps_done = 0;   // over the whole job: cells × steps, counted as the batches advance
    int steps_total = 0;
    // Wall time of each batch step finished since the last report: reports are spaced out, steps are not.
    std::vector<double> step_ms;
};

// Runs generation jobs through core's MixEngine on a thread of its own, one job at a time, in the order
// submitted. The engine is built on that thread from the model and the device/precision last given,
// and rebuilt when either changes (building loads the weights onto the device, which takes seconds for
// a real model). Every job has its own stop source: cancel() stops it within one UNet call, or before it
// starts when it is still queued. Results, progress and errors are posted to the GUI thread and
// emitted there, so the window never waits on the worker.
class GenerationWorker : public QObject {
    Q_OBJECT
public:
    explicit GenerationWorker(QObject* parent = nullptr);
    ~GenerationWorker() override;  // stops every job and waits for the running one to notice

    // The model jobs run on (shared with the model panel, so replacing it never pulls weights from under
    // a running job) and its name for recipes. Builds the engine ahead of the first job.
    void setModel(std::shared_ptr<const facemix::ModelBundle> model, const QString& name);
    void setCompute(const ComputeChoice& compute);
    bool hasModel() const { return model_ != nullptr; }
    QString modelName() const { return model_name_; }

    // Queues a job; its answers carry the returned id: cellReady() per cell, progressChanged(), then
    // jobFinished() (done or cancelled) or jobFailed() (the whole job was impossible).
    quint64 submit(facemix::MixJob job);
    void cancel(quint64 job);
    void cancelAll();
    // Jobs submitted and not yet answered by jobFinished()/jobFailed().
    int activeCount() const { return static_cast<int>(active_.size()); }
    bool isActive(quint64 job) const { return active_.count(job) > 0; }
    // "cpu, fp32" once an engine has been built; empty before.
    QString engineDescription() const { return engine_description_; }

signals:
    void engineReady(const QString& description);
    void engineFailed(const QString& message);
    void cellReady(const facemix::ui::GeneratedCell& cell);
    void progressChanged(const facemix::ui::GenerationProgress& progress);
    void jobFinished(quint64 job, bool cancelled);
    void jobFailed(quint64 job, const QString& message);

private:
    struct Engine;   // lives on the worker thread
    struct Target {
        std::shared_ptr<const facemix::ModelBundle> model;
        QString name;
        ComputeChoice compute;
    };
    Target target() const { return {model_, model_name_, compute_}; }
    void prepare();
    void post(std::function<void()> on_gui_thread);

    std::shared_ptr<Engine> engine_;
    QThreadPool pool_;
    std::shared_ptr<const facemix::ModelBundle> model_;
    QString model_name_;
    ComputeChoice compute_;
    QString engine_description_;
    quint64 next_job_ = 1;
    std::map<quint64, std::stop_source> active_;
};

}  // namespace facemix::ui
