#include "align/face_aligner.h"

#include "common/error.h"

#include <chrono>

namespace facemix {
namespace {

const FaceAlignerOptions& validated(const FaceAlignerOptions& options) {
    if (options.size != 256 && options.size != 512 && options.size != 1024)
        throw InputError("aligned size must be 256, 512 or 1024 px, not " + std::to_string(options.size));
    return options;
}

double milliseconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

FaceAligner::FaceAligner(FaceAlignerOptions options)
    : options_(validated(options)), detector_(options_.detector), predictor_(options_.landmark_model) {}

std::vector<AlignedFace> FaceAligner::align(const cv::Mat& bgr) {
    auto start = std::chrono::steady_clock::now();
    std::vector<FaceDetection> detections = detector_.detect(bgr);
    if (options_.largest_only && detections.size() > 1) detections.resize(1);
    timings_.detection_ms = milliseconds_since(start);

    start = std::chrono::steady_clock::now();
    std::vector<AlignedFace> faces;
    faces.reserve(detections.size());
    for (const FaceDetection& detection : detections) {
        AlignedFace face;
        face.index = static_cast<int>(faces.size());
        face.detection = detection;
        face.landmarks = predictor_.predict(bgr, detection.box);
        face.quad = ffhq_quad(face.landmarks);
        face.aligned = warp_ffhq(bgr, face.quad, options_.size);
        face.outside_share = ffhq_outside_share(face.quad, bgr.size());
        faces.push_back(std::move(face));
    }
    timings_.landmarks_and_warp_ms = milliseconds_since(start);
    return faces;
}

}  // namespace facemix
