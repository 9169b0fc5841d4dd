#pragma once

#include <memory>
#include <vector>

#include <opencv2/core/mat.hpp>
#include <opencv2/core/types.hpp>

namespace facemix {

struct HogDetection {
    cv::Rect box;           // in the scanned image
    double confidence = 0;  // the window's score above its filter's threshold
    int filter = 0;         // which of the detector's filters found it
};

// dlib's frontal face detector: five HOG filters slid over every level of a pyramid that shrinks the
// image by 5/6 a level, then dlib's rule for overlaps (the strongest of overlapping windows wins).
// detect() does this with its own features and scoring (align/hog_features.h, align/hog_window_filter.h)
// and scans the levels on several threads while this thread is still shrinking the image: the same
// windows, the same boxes. reference_detect() is dlib's own object_detector, as facemix ran it before,
// kept so that `facemix bench align` and the tests can measure detect() against it.
class HogFaceScan {
public:
    // threads: how many scan the levels of one image (0: one per hardware thread).
    explicit HogFaceScan(int threads = 0);
    ~HogFaceScan();
    HogFaceScan(HogFaceScan&&) noexcept;
    HogFaceScan& operator=(HogFaceScan&&) noexcept;

    // The faces in an 8-bit grey image, strongest first; windows scoring at least `adjust_threshold`
    // above their filter's threshold count.
    std::vector<HogDetection> detect(const cv::Mat& grey, double adjust_threshold) const;
    std::vector<HogDetection> reference_detect(const cv::Mat& grey, double adjust_threshold);

    int threads() const { return threads_; }

private:
    struct Impl;
    int threads_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace facemix
