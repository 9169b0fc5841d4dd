#include "align/hog_face_scan.h"

#include "align/dlib_bilinear_resize.h"
#include "align/hog_features.h"
#include "align/hog_window_filter.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/opencv/cv_image.h>

namespace facemix {
namespace {

using Detector = dlib::frontal_face_detector;
using Pyramid = Detector::image_scanner_type::pyramid_type;
// Windows at or above their filter's bar, per filter, as dlib's scanner reports them: score and box in
// the coordinates of the scanned image.
using WindowHits = std::vector<std::vector<std::pair<double, dlib::rectangle>>>;

std::vector<HogWindowFilter> filters_of(const Detector& detector) {
    const long dimensions = detector.get_scanner().get_num_dimensions();
    std::vector<HogWindowFilter> filters;
    for (unsigned long d = 0; d < detector.num_detectors(); ++d) {
        const auto& bank = detector.get_processed_w(d).get_detect_argument();
        HogWindowFilter filter;
        filter.threshold = detector.get_w(d)(dimensions);
        for (std::size_t plane = 0; plane < bank.row_filters.size(); ++plane)
            for (std::size_t k = 0; k < bank.row_filters[plane].size(); ++k) {
                HogWindowFilter::Part part;
                part.plane = static_cast<int>(plane);
                for (int i = 0; i < HogWindowFilter::kWindow; ++i) {
                    part.along_row[i] = bank.row_filters[plane][k](i);
                    part.along_column[i] = bank.col_filters[plane][k](i);
                }
                filter.parts.push_back(part);
            }
        filters.push_back(std::move(filter));
    }
    return filters;
}

HogDetection to_detection(const dlib::rect_detection& found) {
    const dlib::rectangle& r = found.rect;
    return {cv::Rect(static_cast<int>(r.left()), static_cast<int>(r.top()), static_cast<int>(r.width()),
                     static_cast<int>(r.height())),
            found.detection_confidence, static_cast<int>(found.weight_index)};
}

// What one thread keeps between the levels it scans.
struct Scratch {
    HogPlanes planes;
    std::vector<HogWindowScores> scores;
    AlignedFloats ring;
};

}  // namespace

struct HogFaceScan::Impl {
    Detector detector = dlib::get_frontal_face_detector();
    std::vector<HogWindowFilter> filters;
    int cell = 0;
    int window_rows = 0, window_cols = 0;  // in cells
    int box_rows = 0, box_cols = 0;        // the window less the scanner's padding

    Impl() {
        const auto& scanner = detector.get_scanner();
        cell = static_cast<int>(scanner.get_cell_size());
        window_rows = static_cast<int>(scanner.get_fhog_window_height());
        window_cols = static_cast<int>(scanner.get_fhog_window_width());
        box_rows = window_rows - 2 * static_cast<int>(scanner.get_padding());
        box_cols = window_cols - 2 * static_cast<int>(scanner.get_padding());
        // hog_features.cpp computes 8 px cells and hog_window_filter.cpp 10-cell windows; a dlib whose
        // detector differs would need them generalised.
        if (cell != 8 || window_rows != HogWindowFilter::kWindow || window_cols != HogWindowFilter::kWindow)
            throw std::logic_error("dlib's frontal face detector is not the 8 px cell, 10 cell window one facemix knows");
        filters = filters_of(detector);
    }

    // dlib's count: levels are added while the next one would still be at least the minimum size.
    int level_count(const cv::Size& size) const {
        const auto& scanner = detector.get_scanner();
        const Pyramid pyramid;
        dlib::rectangle rect(static_cast<unsigned long>(size.width), static_cast<unsigned long>(size.height));
        unsigned long levels = 0;
        do {
            rect = pyramid.rect_down(rect);
            ++levels;
        } while (rect.width() >= scanner.get_min_pyramid_layer_width() &&
                 rect.height() >= scanner.get_min_pyramid_layer_height() &&
                 levels < scanner.get_max_pyramid_levels());
        return static_cast<int>(levels);
    }

    void scan_level(const cv::Mat& image, int level, double adjust_threshold, Scratch& scratch, WindowHits& hits) const {
        hits.assign(filters.size(), {});
        extract_hog_features(image, window_rows, window_cols, scratch.planes);
        if (scratch.planes.empty()) return;
        score_windows(filters, scratch.planes, scratch.scores, scratch.ring);
        const Pyramid pyramid;
        for (std::size_t f = 0; f < filters.size(); ++f) {
            const HogWindowScores& scores = scratch.scores[f];
            const double bar = filters[f].threshold + adjust_threshold;
            for (int r = HogWindowScores::first(); r < scores.rows - HogWindowScores::last_margin(); ++r)
                for (int c = HogWindowScores::first(); c < scores.cols - HogWindowScores::last_margin(); ++c) {
                    const float score = scores.at(r, c);
                    if (score < bar) continue;
                    const dlib::rectangle in_level = dlib::fhog_to_image(
                        dlib::centered_rect(dlib::point(c, r), box_cols, box_rows), cell, window_rows, window_cols);
                    hits[f].emplace_back(score, pyramid.rect_up(in_level, static_cast<unsigned>(level)));
                }
        }
    }

    // dlib's object_detector from here on: each filter's windows strongest first, all of them strongest
    // first, and a window is dropped when it overlaps one already kept.
    std::vector<HogDetection> merge(const std::vector<WindowHits>& levels) const {
        std::vector<dlib::rect_detection> all;
        for (std::size_t f = 0; f < filters.size(); ++f) {
            std::vector<std::pair<double, dlib::rectangle>> windows;
            for (const WindowHits& level : levels) windows.insert(windows.end(), level[f].begin(), level[f].end());
            std::sort(windows.rbegin(), windows.rend(), [](const auto& a, const auto& b) { return a.first < b.first; });
            for (const auto& [score, rect] : windows) {
                dlib::rect_detection found;
                found.detection_confidence = score - filters[f].threshold;
                found.weight_index = f;
                found.rect = rect;
                all.push_back(found);
            }
        }
        if (filters.size() > 1) std::sort(all.rbegin(), all.rend());
        const dlib::test_box_overlap& overlaps = detector.get_overlap_tester();
        std::vector<HogDetection> kept;
        std::vector<dlib::rectangle> kept_rects;
        for (const dlib::rect_detection& found : all) {
            if (std::any_of(kept_rects.begin(), kept_rects.end(),
                            [&](const dlib::rectangle& other) { return overlaps(other, found.rect); }))
                continue;
            kept_rects.push_back(found.rect);
            kept.push_back(to_detection(found));
        }
        return kept;
    }
};

HogFaceScan::HogFaceScan(int threads)
    : threads_(threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))),
      impl_(std::make_unique<Impl>()) {}
HogFaceScan::~HogFaceScan() = default;
HogFaceScan::HogFaceScan(HogFaceScan&&) noexcept = default;
HogFaceScan& HogFaceScan::operator=(HogFaceScan&&) noexcept = default;

std::vector<HogDetection> HogFaceScan::detect(const cv::Mat& grey, double adjust_threshold) const {
    CV_Assert(grey.type() == CV_8UC1);
    const Impl& impl = *impl_;
    const int levels = impl.level_count(grey.size());
    // Level l is the image shrunk l times by 5/6 (dlib's pyramid_down<6>, pixel for pixel).
    std::vector<cv::Mat> level_images(static_cast<std::size_t>(levels));
    level_images[0] = grey;
    std::vector<WindowHits> hits(static_cast<std::size_t>(levels));

    // Levels are taken in order, largest first, by whichever thread is free; a level is scanned once
    // this thread has made it.
    std::mutex mutex;
    std::condition_variable made;
    int levels_made = 1;
    std::exception_ptr failure;
    std::atomic<int> next_level{0};
    // Called in a catch block: the first failure is kept, rethrown here, and stops the other threads.
    const auto fail = [&] {
        std::lock_guard lock(mutex);
        if (!failure) failure = std::current_exception();
        made.notify_all();
    };
    const auto scan = [&] {
        try {
            Scratch scratch;
            for (int level = next_level++; level < levels; level = next_level++) {
                {
                    std::unique_lock lock(mutex);
                    made.wait(lock, [&] { return levels_made > level || failure; });
                    if (failure) return;
                }
                impl.scan_level(level_images[static_cast<std::size_t>(level)], level, adjust_threshold, scratch,
                                hits[static_cast<std::size_t>(level)]);
            }
        } catch (...) {
            fail();
        }
    };
    {
        std::vector<std::jthread> helpers;
        for (int t = 1; t < std::min(threads_, levels); ++t) helpers.emplace_back(scan);
        try {
            for (int level = 1; level < levels; ++level) {
                const cv::Mat& larger = level_images[static_cast<std::size_t>(level - 1)];
                cv::Mat smaller(five_sixths_size(larger.size()), CV_8UC1);
                resize_like_dlib(larger, smaller);
                {
                    std::lock_guard lock(mutex);
                    level_images[static_cast<std::size_t>(level)] = smaller;
                    levels_made = level + 1;
                }
                made.notify_all();
            }
        } catch (...) {
            fail();
        }
        scan();
    }
    if (failure) std::rethrow_exception(failure);
    return impl.merge(hits);
}

std::vector<HogDetection> HogFaceScan::reference_detect(const cv::Mat& grey, double adjust_threshold) {
    CV_Assert(grey.type() == CV_8UC1);
    std::vector<dlib::rect_detection> found;
    impl_->detector(dlib::cv_image<unsigned char>(grey), found, adjust_threshold);
    std::vector<HogDetection> detections;
    for (const auto& d : found) detections.push_back(to_detection(d));
    return detections;
}

}  // namespace facemix
