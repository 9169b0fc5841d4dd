#pragma once

#include <memory>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace facemix {

struct FaceDetectorOptions {
    // HOG detection runs on a copy no larger than this on its long side; landmarks still use the
    // full-resolution photo, so precision is kept while a 24 MP photo costs what a 1 MP one does.
    int max_detection_side = 1024;
    // One 2x pyramid pass lets the 80 px HOG window find faces down to about 40 px in that copy.
    int upsample = 1;
    // dlib's SVM margin: detections scoring below this are dropped. Real faces in our test photos
    // score above 0.3; the false positives that the pyramid pass adds (texture in hair) score below 0.
    double min_score = 0.0;
    // Threads that scan the pyramid levels of one photo at once (0: one per hardware thread). The faces
    // found do not depend on it.
    int threads = 0;
    // Detect with dlib's own object_detector on one thread, as facemix did before its faster scan
    // (align/hog_face_scan.h): the reference that `facemix bench align` and the tests measure it against.
    bool dlib_reference = false;
};

struct FaceDetection {
    cv::Rect2d box;  // in the coordinates of the photo passed to detect()
    double score = 0;
};

// dlib's frontal HOG face detector. Not safe to share between threads; each worker holds its own (a
// detect() call may still use several threads of its own, options.threads).
class FaceDetector {
public:
    explicit FaceDetector(FaceDetectorOptions options = {});
    ~FaceDetector();
    FaceDetector(FaceDetector&&) noexcept;
    FaceDetector& operator=(FaceDetector&&) noexcept;

    // All faces in a BGR photo, largest first.
    std::vector<FaceDetection> detect(const cv::Mat& bgr);

    const FaceDetectorOptions& options() const { return options_; }
    // The threads a detect() call uses (options.threads, or the hardware's count for 0).
    int threads() const;

private:
    struct Impl;
    FaceDetectorOptions options_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace facemix
