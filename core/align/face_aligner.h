#pragma once

#include <filesystem>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "align/face_detector.h"
#include "align/ffhq_alignment.h"
#include "align/landmark_predictor.h"

namespace facemix {

struct FaceAlignerOptions {
    int size = 512;  // 256, 512 or 1024
    bool largest_only = false;
    FaceDetectorOptions detector;
    std::filesystem::path landmark_model = default_landmark_model_path();
};

// One face found in a photo and its FFHQ-aligned image.
struct AlignedFace {
    int index = 0;  // 0 = largest face in the photo
    FaceDetection detection;
    Landmarks landmarks;  // photo coordinates
    FfhqQuad quad;        // photo coordinates
    cv::Mat aligned;      // BGR, size x size
    double outside_share = 0;  // of the aligned square that lies outside the photo (filled, not photographed)
};

// Where the time of one align() call went; `facemix bench align` reports these.
struct AlignTimings {
    double detection_ms = 0;
    double landmarks_and_warp_ms = 0;
};

// Steps 1 of the method: detect every face, find its landmarks at full resolution and resample it
// with the FFHQ recipe. Holds dlib models, so one per thread.
class FaceAligner {
public:
    // Throws InputError for an unsupported size or a missing landmark model.
    explicit FaceAligner(FaceAlignerOptions options = {});

    // All faces, largest first (only the largest with `largest_only`). An empty result means no face.
    std::vector<AlignedFace> align(const cv::Mat& bgr);

    const AlignTimings& last_timings() const { return timings_; }
    const FaceAlignerOptions& options() const { return options_; }
    const FaceDetector& detector() const { return detector_; }

private:
    FaceAlignerOptions options_;
    FaceDetector detector_;
    LandmarkPredictor predictor_;
    AlignTimings timings_;
};

}  // namespace facemix
