#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include <QImage>
#include <QObject>
#include <QSet>
#include <QSize>
#include <QString>
#include <QThreadPool>

#include "align/face_aligner.h"

namespace facemix::ui {

// A photo handed to the aligner: a file, or image data pasted from the clipboard (or a pasted image a
// session kept, as the PNG bytes it was kept in).
struct PhotoInput {
    QString name;          // what the user calls it, used in every message: the file name or "pasted image 2"
    QString path;          // empty for pasted images
    QImage pasted;         // the image when there is no path and no pasted_png
    QByteArray pasted_png;  // a pasted image as a session kept it
};

// One face the aligner found, ready for the lists and, later, for generation.
struct AlignedPhotoFace {
    facemix::AlignedFace face;  // the aligned BGR image and its geometry in photo coordinates
    QImage thumbnail;           // the aligned image scaled to AlignmentWorker::kThumbnailSide
};

struct AlignmentResult {
    quint64 request = 0;
    PhotoInput input;
    QSize photo_size;
    QString photo_hash;    // content hash of the photo file (of the pixels for pasted images), for recipes
    QByteArray pasted_png;  // a pasted image as PNG, which sessions keep in place of the file it lacks
    QImage photo_preview;  // the photo scaled to at most kPreviewSide, only when it holds several faces
    std::vector<AlignedPhotoFace> faces;  // largest first, never empty (no face is reported as a failure)
    double milliseconds = 0;
};

// Runs facemix::FaceAligner off the GUI thread. Requests go to a private thread pool; each running
// request borrows an aligner of its own (they hold dlib models and are not thread-safe), created on
// the worker the first time one is needed, since reading the landmark model takes about a second.
// Everything that reaches the GUI thread is already converted (thumbnails scaled), so a result
// costs the event loop only the time to insert a list item. Signals are emitted on the GUI thread.
class AlignmentWorker : public QObject {
    Q_OBJECT
public:
    static constexpr int kThumbnailSide = 192;
    static constexpr int kPreviewSide = 640;

    explicit AlignmentWorker(facemix::FaceAlignerOptions options = {}, QObject* parent = nullptr);
    ~AlignmentWorker() override;  // drops pending requests and waits for the running ones

    // Queues a photo; the answer is aligned() or failed() with the returned id, or cancelled().
    quint64 submit(PhotoInput input);
    // Drops every request that has not answered yet; the running ones finish and are discarded.
    void cancelPending();

    int pendingCount() const { return static_cast<int>(pending_.size()); }
    // Photos answered and submitted since the worker was last idle, for a progress bar.
    int doneInBatch() const { return done_in_batch_; }
    int totalInBatch() const { return total_in_batch_; }

signals:
    void aligned(const facemix::ui::AlignmentResult& result);
    void failed(quint64 request, const QString& name, const QString& message);
    void cancelled(const QList<quint64>& requests);
    void progressChanged(int done, int total);
    void idle();

private:
    class AlignerPool;
    struct Outcome;
    void deliver(const std::shared_ptr<Outcome>& outcome);
    void finishOne();

    std::shared_ptr<AlignerPool> aligners_;
    QThreadPool pool_;
    std::atomic<quint64> generation_{0};  // bumped by cancelPending(); queued work of older generations is skipped
    quint64 next_request_ = 1;
    QSet<quint64> pending_;
    int done_in_batch_ = 0;
    int total_in_batch_ = 0;
};

}  // namespace facemix::ui

Q_DECLARE_METATYPE(facemix::ui::AlignmentResult)
