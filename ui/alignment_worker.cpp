#include "alignment_worker.h"

#include <algorithm>
#include <mutex>
#include <new>

#include <QElapsedTimer>
#include <QThread>

#include "common/error.h"
#include "image_conversion.h"
#include "io/content_hash.h"
#include "io/image_file.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace facemix::ui {

// Idle aligners, handed to one request at a time. Holding them here (rather than per thread) keeps
// their number at most the pool's thread count and frees them with the worker.
class AlignmentWorker::AlignerPool {
public:
    explicit AlignerPool(facemix::FaceAlignerOptions options) : options_(std::move(options)) {}

    std::unique_ptr<facemix::FaceAligner> take() {
        {
            std::lock_guard lock(mutex_);
            if (!idle_.empty()) {
                auto aligner = std::move(idle_.back());
                idle_.pop_back();
                return aligner;
            }
        }
        return std::make_unique<facemix::FaceAligner>(options_);  // InputError when the landmark model is missing
    }

    void give_back(std::unique_ptr<facemix::FaceAligner> aligner) {
        std::lock_guard lock(mutex_);
        idle_.push_back(std::move(aligner));
    }

private:
    facemix::FaceAlignerOptions options_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<facemix::FaceAligner>> idle_;
};

struct AlignmentWorker::Outcome {
    quint64 generation = 0;
    AlignmentResult result;
    QString error;  // empty on success
};

namespace {

QImage scaled_to(const QImage& image, int side) {
    return image.scaled(side, side, Qt::KeepAspectRatio, Qt::SmoothTransformation);
}

QByteArray png_bytes(const cv::Mat& photo) {
    std::vector<std::uint8_t> bytes;
    if (!cv::imencode(".png", photo, bytes)) throw facemix::InputError("The pasted image cannot be kept as a PNG.");
    return QByteArray(reinterpret_cast<const char*>(bytes.data()), qsizetype(bytes.size()));
}

// The whole of one request, on a pool thread. Never throws: every failure becomes a sentence.
void align_photo(AlignmentResult& result, QString& error, facemix::FaceAligner& aligner) {
    const PhotoInput& input = result.input;
    cv::Mat photo;
    if (!input.path.isEmpty())
        photo = facemix::load_image(input.path.toStdString());
    else if (!input.pasted_png.isEmpty())
        photo = facemix::decode_image({reinterpret_cast<const std::uint8_t*>(input.pasted_png.constData()), std::size_t(input.pasted_png.size())},
                                      input.name.toStdString());
    else
        photo = to_bgr_mat(input.pasted);
    if (photo.empty()) {
        error = QObject::tr("%1 holds no image.").arg(input.name);
        return;
    }
    result.photo_size = QSize(photo.cols, photo.rows);
    // Recipes name a photo by the hash of its bytes; a pasted image has no file, so its pixels stand in.
    // Its PNG is lossless, so a pasted image a session kept comes back with the same pixels and hash, and
    // the cells made of it are still its own.
    const cv::Mat pixels = photo.isContinuous() ? photo : photo.clone();
    result.photo_hash = QString::fromStdString(input.path.isEmpty()
                                                   ? facemix::content_hash(pixels.data, pixels.total() * pixels.elemSize())
                                                   : facemix::file_content_hash(input.path.toStdString()));
    if (input.path.isEmpty()) result.pasted_png = input.pasted_png.isEmpty() ? png_bytes(photo) : input.pasted_png;
    std::vector<facemix::AlignedFace> faces = aligner.align(photo);
    if (faces.empty()) {
        error = QObject::tr("No face found in %1.").arg(input.name);
        return;
    }
    if (faces.size() > 1) {
        const double scale = std::min(1.0, double(AlignmentWorker::kPreviewSide) / std::max(photo.cols, photo.rows));
        cv::Mat small;
        cv::resize(photo, small, cv::Size(), scale, scale, cv::INTER_AREA);
        result.photo_preview = to_qimage(small);
    }
    for (auto& face : faces) {
        QImage thumbnail = scaled_to(to_qimage(face.aligned), AlignmentWorker::kThumbnailSide);
        result.faces.push_back({std::move(face), std::move(thumbnail)});
    }
}

}  // namespace

namespace {

// Leave a core to the GUI thread; beyond four, extra aligners cost memory (each holds the landmark
// model) for little gain on the handful of photos a session uses.
int aligner_threads() { return std::clamp(QThread::idealThreadCount() - 1, 1, 4); }

// Each aligner's detector scans on its share of the cores, so photos aligned side by side do not
// start a detection thread per core each.
facemix::FaceAlignerOptions sharing_the_cores(facemix::FaceAlignerOptions options) {
    if (options.detector.threads == 0) options.detector.threads = std::max(1, QThread::idealThreadCount() / aligner_threads());
    return options;
}

}  // namespace

AlignmentWorker::AlignmentWorker(facemix::FaceAlignerOptions options, QObject* parent)
    : QObject(parent), aligners_(std::make_shared<AlignerPool>(sharing_the_cores(std::move(options)))) {
    pool_.setMaxThreadCount(aligner_threads());
    pool_.setExpiryTimeout(-1);
    pool_.setObjectName(QStringLiteral("facemix-align"));
}

AlignmentWorker::~AlignmentWorker() {
    generation_.fetch_add(1);
    pool_.clear();
    pool_.waitForDone();  // the running requests post to `this`; their events die with it
}

quint64 AlignmentWorker::submit(PhotoInput input) {
    const quint64 id = next_request_++;
    if (pending_.isEmpty()) done_in_batch_ = total_in_batch_ = 0;
    pending_.insert(id);
    ++total_in_batch_;
    emit progressChanged(done_in_batch_, total_in_batch_);

    auto outcome = std::make_shared<Outcome>();
    outcome->generation = generation_.load();
    outcome->result.request = id;
    outcome->result.input = std::move(input);
    pool_.start([this, outcome, aligners = aligners_] {
        if (outcome->generation != generation_.load()) return;  // cancelled while queued
        QElapsedTimer clock;
        clock.start();
        const QString& name = outcome->result.input.name;
        try {
            std::unique_ptr<facemix::FaceAligner> aligner = aligners->take();
            align_photo(outcome->result, outcome->error, *aligner);
            aligners->give_back(std::move(aligner));
        } catch (const facemix::InputError& error) {
            outcome->error = QString::fromStdString(error.what());
        } catch (const std::bad_alloc&) {
            outcome->error = tr("Out of memory while aligning %1.").arg(name);
        } catch (const std::exception& error) {
            outcome->error = tr("Could not align %1: %2").arg(name, QString::fromStdString(error.what()));
        }
        outcome->result.milliseconds = double(clock.nsecsElapsed()) / 1e6;
        QMetaObject::invokeMethod(this, [this, outcome] { deliver(outcome); }, Qt::QueuedConnection);
    });
    return id;
}

void AlignmentWorker::deliver(const std::shared_ptr<Outcome>& outcome) {
    const quint64 id = outcome->result.request;
    if (outcome->generation != generation_.load() || !pending_.remove(id)) return;
    if (outcome->error.isEmpty())
        emit aligned(outcome->result);
    else
        emit failed(id, outcome->result.input.name, outcome->error);
    finishOne();
}

void AlignmentWorker::finishOne() {
    ++done_in_batch_;
    emit progressChanged(done_in_batch_, total_in_batch_);
    if (pending_.isEmpty()) emit idle();
}

void AlignmentWorker::cancelPending() {
    if (pending_.isEmpty()) return;
    generation_.fetch_add(1);
    pool_.clear();
    const QList<quint64> dropped(pending_.begin(), pending_.end());
    pending_.clear();
    done_in_batch_ = total_in_batch_;
    emit cancelled(dropped);
    emit progressChanged(done_in_batch_, total_in_batch_);
    emit idle();
}

}  // namespace facemix::ui
