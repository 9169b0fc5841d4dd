#include "cli/bench.h"

#include "align/face_aligner.h"
#include "common/error.h"
#include "io/image_file.h"
#include "io/image_inputs.h"

#include <cstdio>
#include <iostream>
#include <memory>

namespace facemix::cli {
namespace {

struct BenchAlignArguments {
    std::vector<std::string> photos{FACEMIX_DEFAULT_TESTDATA};
    int size = 512;
    int repeat = 1;
};

// Mean time per photo of the two halves of alignment, so a change to either shows up on its own.
int run_bench_align(const BenchAlignArguments& args) {
    const auto files = expand_image_inputs(args.photos);
    if (files.empty()) throw InputError("no photos to benchmark (give files or folders of photos)");
    FaceAlignerOptions options;
    options.size = args.size;
    FaceAligner aligner(options);

    std::printf("%-36s %11s %6s %14s %18s\n", "photo", "size", "faces", "detection ms", "landmarks+warp ms");
    double detection_total = 0, warp_total = 0;
    int measured = 0, faces_total = 0;
    for (const auto& file : files) {
        cv::Mat photo;
        try {
            photo = load_image(file);
        } catch (const InputError& error) {
            std::cerr << "facemix: skipped " << error.what() << "\n";
            continue;
        }
        double detection = 0, warp = 0;
        std::size_t faces = 0;
        for (int r = 0; r < args.repeat; ++r) {
            faces = aligner.align(photo).size();
            detection += aligner.last_timings().detection_ms;
            warp += aligner.last_timings().landmarks_and_warp_ms;
        }
        detection /= args.repeat;
        warp /= args.repeat;
        const std::string dims = std::to_string(photo.cols) + "x" + std::to_string(photo.rows);
        std::printf("%-36s %11s %6zu %14.1f %18.1f\n", file.filename().string().substr(0, 36).c_str(), dims.c_str(), faces,
                    detection, warp);
        detection_total += detection;
        warp_total += warp;
        faces_total += static_cast<int>(faces);
        ++measured;
    }
    if (measured == 0) throw InputError("none of the given photos could be read");
    std::printf("%-36s %11s %6d %14.1f %18.1f\n", "mean per photo", "", faces_total, detection_total / measured,
                warp_total / measured);
    std::printf("total per photo: %.1f ms over %d photos (aligned size %d px, %d repeat%s)\n",
                (detection_total + warp_total) / measured, measured, args.size, args.repeat, args.repeat == 1 ? "" : "s");
    return kExitOk;
}

}  // namespace

void add_bench_align(CLI::App& bench, int& exit_code) {
    auto args = std::make_shared<BenchAlignArguments>();
    CLI::App* align = bench.add_subcommand("align", "Mean milliseconds per photo for detection and for landmarks+warp");
    align->add_option("photos", args->photos, "Photos or folders (default: the shared test photos)");
    align->add_option("--size", args->size, "Aligned size in px")->check(CLI::IsMember({256, 512, 1024}))->capture_default_str();
    align->add_option("--repeat", args->repeat, "Runs per photo")->check(CLI::Range(1, 100))->capture_default_str();
    align->callback([args, &exit_code] { exit_code = run_bench_align(*args); });
}

}  // namespace facemix::cli
