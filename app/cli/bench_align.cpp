#include "cli/bench.h"

#include "align/face_aligner.h"
#include "common/error.h"
#include "io/image_file.h"
#include "io/image_inputs.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <thread>

#include <opencv2/core.hpp>

namespace facemix::cli {
namespace {

struct BenchAlignArguments {
    std::vector<std::string> photos{FACEMIX_DEFAULT_TESTDATA};
    int size = 512;
    int repeat = 1;
    int threads = 0;
};

// How far the faster detector's faces are from the reference's in one photo: each of its faces against
// the reference face whose box centre is nearest.
struct Agreement {
    bool same_count = false;
    bool same_boxes = false;
    double box_shift = 0;         // largest move of a box side, photo px
    double landmark_shift = 0;    // largest move of a landmark, photo px
    double pixel_difference = 0;  // largest difference of an aligned pixel, 0-255
};

double centre_distance(const cv::Rect2d& a, const cv::Rect2d& b) {
    return std::hypot((a.x + a.width / 2) - (b.x + b.width / 2), (a.y + a.height / 2) - (b.y + b.height / 2));
}

Agreement compare(const std::vector<AlignedFace>& reference, const std::vector<AlignedFace>& fast) {
    Agreement agreement;
    agreement.same_count = reference.size() == fast.size();
    agreement.same_boxes = agreement.same_count;
    for (const AlignedFace& face : fast) {
        if (reference.empty()) break;
        const auto nearest = std::min_element(reference.begin(), reference.end(), [&](const AlignedFace& a, const AlignedFace& b) {
            return centre_distance(a.detection.box, face.detection.box) < centre_distance(b.detection.box, face.detection.box);
        });
        const cv::Rect2d &a = nearest->detection.box, &b = face.detection.box;
        const double shift = std::max({std::abs(a.x - b.x), std::abs(a.y - b.y), std::abs(a.br().x - b.br().x),
                                       std::abs(a.br().y - b.br().y)});
        agreement.same_boxes = agreement.same_boxes && shift == 0;
        agreement.box_shift = std::max(agreement.box_shift, shift);
        for (std::size_t i = 0; i < face.landmarks.size(); ++i)
            agreement.landmark_shift = std::max(agreement.landmark_shift, cv::norm(face.landmarks[i] - nearest->landmarks[i]));
        agreement.pixel_difference = std::max(agreement.pixel_difference, cv::norm(face.aligned, nearest->aligned, cv::NORM_INF));
    }
    return agreement;
}

// The one-minute load average (Linux), or -1: timings on a shared machine mean little without it.
double load_average() {
    std::ifstream file("/proc/loadavg");
    double load = -1;
    file >> load;
    return file ? load : -1;
}

struct Timings {
    double detection = 0, warp = 0;
    void add(const AlignTimings& t) {
        detection += t.detection_ms;
        warp += t.landmarks_and_warp_ms;
    }
};

// Mean time per photo of the two halves of alignment, so a change to either shows up on its own, for
// the detector facemix uses and for dlib's own single-threaded scan, which it replaced, run on the same
// photos one after the other; and whether the two found the same faces.
int run_bench_align(const BenchAlignArguments& args) {
    const auto files = expand_image_inputs(args.photos);
    if (files.empty()) throw InputError("no photos to benchmark (give files or folders of photos)");
    FaceAlignerOptions options;
    options.size = args.size;
    options.detector.threads = args.threads;
    FaceAligner aligner(options);
    options.detector.dlib_reference = true;
    FaceAligner reference(options);
    const double load_before = load_average();

    std::printf("%-32s %9s %7s | %9s %9s %6s | %9s %9s\n", "", "", "faces", "detection", "ms", "", "landmarks", "+warp ms");
    std::printf("%-32s %9s %7s | %9s %9s %6s | %9s %9s\n", "photo", "size", "dlib/new", "dlib", "new", "ratio", "dlib", "new");
    Timings dlib_total, new_total;
    int measured = 0, faces_reference = 0, faces_new = 0, counts_agree = 0, boxes_agree = 0;
    Agreement worst;
    for (const auto& file : files) {
        cv::Mat photo;
        try {
            photo = load_image(file);
        } catch (const InputError& error) {
            std::cerr << "facemix: skipped " << error.what() << "\n";
            continue;
        }
        if (measured == 0) {
            // One untimed run each, so one-off costs (the orientation table, first allocations) stay out
            // of the means.
            reference.align(photo);
            aligner.align(photo);
        }
        Timings dlib_photo, new_photo;
        std::vector<AlignedFace> found_reference, found_new;
        for (int r = 0; r < args.repeat; ++r) {
            found_reference = reference.align(photo);
            dlib_photo.add(reference.last_timings());
            found_new = aligner.align(photo);
            new_photo.add(aligner.last_timings());
        }
        for (double* t : {&dlib_photo.detection, &dlib_photo.warp, &new_photo.detection, &new_photo.warp}) *t /= args.repeat;
        const Agreement agreement = compare(found_reference, found_new);
        counts_agree += agreement.same_count;
        boxes_agree += agreement.same_boxes;
        worst.box_shift = std::max(worst.box_shift, agreement.box_shift);
        worst.landmark_shift = std::max(worst.landmark_shift, agreement.landmark_shift);
        worst.pixel_difference = std::max(worst.pixel_difference, agreement.pixel_difference);

        const std::string dims = std::to_string(photo.cols) + "x" + std::to_string(photo.rows);
        const std::string faces = std::to_string(found_reference.size()) + "/" + std::to_string(found_new.size());
        std::printf("%-32s %9s %7s | %9.1f %9.1f %5.2fx | %9.1f %9.1f\n", file.filename().string().substr(0, 32).c_str(),
                    dims.c_str(), faces.c_str(), dlib_photo.detection, new_photo.detection,
                    dlib_photo.detection / std::max(new_photo.detection, 1e-3), dlib_photo.warp, new_photo.warp);
        dlib_total.detection += dlib_photo.detection;
        dlib_total.warp += dlib_photo.warp;
        new_total.detection += new_photo.detection;
        new_total.warp += new_photo.warp;
        faces_reference += static_cast<int>(found_reference.size());
        faces_new += static_cast<int>(found_new.size());
        ++measured;
    }
    if (measured == 0) throw InputError("none of the given photos could be read");
    const double ratio = dlib_total.detection / std::max(new_total.detection, 1e-3);
    const std::string faces = std::to_string(faces_reference) + "/" + std::to_string(faces_new);
    std::printf("%-32s %9s %7s | %9.1f %9.1f %5.2fx | %9.1f %9.1f\n", "mean per photo", "", faces.c_str(),
                dlib_total.detection / measured, new_total.detection / measured, ratio, dlib_total.warp / measured,
                new_total.warp / measured);
    const int threads = aligner.detector().threads();
    std::printf("detection: %.1f ms per photo on %d thread%s against dlib's %.1f ms on one, %.2fx faster\n",
                new_total.detection / measured, threads, threads == 1 ? "" : "s", dlib_total.detection / measured, ratio);
    std::printf("face counts agree on %d of %d photos (%d faces); boxes identical on %d; largest box shift %.2f px, "
                "landmark shift %.2f px, aligned pixel difference %.0f\n",
                counts_agree, measured, faces_new, boxes_agree, worst.box_shift, worst.landmark_shift, worst.pixel_difference);
    std::printf("machine: %u hardware threads, load average %.2f before and %.2f after\n",
                std::thread::hardware_concurrency(), load_before, load_average());
    std::printf("total per photo: %.1f ms (detection %.1f + landmarks and warp %.1f) over %d photos (aligned size %d px, "
                "%d repeat%s)\n",
                (new_total.detection + new_total.warp) / measured, new_total.detection / measured, new_total.warp / measured,
                measured, args.size, args.repeat, args.repeat == 1 ? "" : "s");
    return kExitOk;
}

}  // namespace

void add_bench_align(CLI::App& bench, int& exit_code) {
    auto args = std::make_shared<BenchAlignArguments>();
    CLI::App* align = bench.add_subcommand(
        "align", "Mean milliseconds per photo for detection and for landmarks+warp, against dlib's own detector");
    align->add_option("photos", args->photos, "Photos or folders (default: the shared test photos)");
    align->add_option("--size", args->size, "Aligned size in px")->check(CLI::IsMember({256, 512, 1024}))->capture_default_str();
    align->add_option("--repeat", args->repeat, "Runs per photo")->check(CLI::Range(1, 100))->capture_default_str();
    align->add_option("--threads", args->threads, "Detection threads per photo (0: one per hardware thread)")
        ->check(CLI::Range(0, 256))
        ->capture_default_str();
    align->callback([args, &exit_code] { exit_code = run_bench_align(*args); });
}

}  // namespace facemix::cli
