#include "cli/command.h"
#include "cli/progress_bar.h"

#include "align/aligned_face_files.h"
#include "align/face_aligner.h"
#include "common/error.h"
#include "io/image_file.h"
#include "io/image_inputs.h"
#include "io/unique_stems.h"
#include "io/output_folder.h"

#include <iostream>
#include <memory>

namespace facemix::cli {
namespace {

struct AlignArguments {
    std::vector<std::string> inputs;
    std::string output_dir;
    int size = 512;
    bool largest = false;
    std::string landmark_model = default_landmark_model_path().string();
    int max_detection_side = FaceDetectorOptions{}.max_detection_side;
};

int run_align(const AlignArguments& args) {
    FaceAlignerOptions options;
    options.size = args.size;
    options.largest_only = args.largest;
    options.landmark_model = args.landmark_model;
    options.detector.max_detection_side = args.max_detection_side;
    FaceAligner aligner(options);

    const std::filesystem::path out(args.output_dir);
    create_output_folder(out);

    const auto files = expand_image_inputs(args.inputs);
    if (files.empty()) throw InputError("no image files found in the given paths");

    UniqueStems stems;
    std::vector<std::string> failures;
    std::size_t faces_written = 0;
    ProgressBar progress(files.size(), "aligning");
    for (std::size_t i = 0; i < files.size(); ++i) {
        const auto& file = files[i];
        progress.update(i, file.filename().string());
        try {
            const cv::Mat photo = load_image(file);
            const auto faces = aligner.align(photo);
            if (faces.empty()) throw InputError(file.string() + ": no face found");
            const std::string stem = stems.take(file);
            for (const auto& face : faces) write_aligned_face_files(out, stem, face, file);
            faces_written += faces.size();
            progress.clear();
            std::cout << file.string() << ": " << faces.size() << (faces.size() == 1 ? " face" : " faces") << " -> "
                      << (out / (stem + "_f*")).string() << "\n";
        } catch (const std::exception& failure) {
            progress.clear();
            std::cerr << "facemix: " << failure.what() << "\n";
            failures.push_back(file.string());
        }
    }
    progress.finish();

    const std::size_t ok = files.size() - failures.size();
    std::cout << "aligned " << faces_written << (faces_written == 1 ? " face" : " faces") << " from " << ok << " of "
              << files.size() << (files.size() == 1 ? " photo" : " photos") << " into " << out.string() << "\n";
    if (!failures.empty()) {
        std::cerr << "facemix: " << failures.size() << (failures.size() == 1 ? " photo" : " photos") << " failed:";
        for (const auto& name : failures) std::cerr << " " << name;
        std::cerr << "\n";
        return kExitFailed;
    }
    return kExitOk;
}

}  // namespace

void add_align_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<AlignArguments>();
    CLI::App* command = app.add_subcommand("align", "Find every face in photos and write, per face, the FFHQ-aligned image, "
                                                    "the face crop, the masked background and a JSON record");
    command->add_option("images", args->inputs, "Photos, or folders of photos")->required();
    command->add_option("-o,--output", args->output_dir, "Output folder (created if missing)")->required();
    command->add_option("--size", args->size, "Aligned image size in px")->check(CLI::IsMember({256, 512, 1024}))->capture_default_str();
    command->add_flag("--largest", args->largest, "Keep only the largest face of each photo");
    command->add_option("--landmark-model", args->landmark_model, "dlib 68-point shape predictor")->capture_default_str();
    command->add_option("--max-detect-side", args->max_detection_side,
                        "Long side of the downscaled copy the detector scans, in px")
        ->check(CLI::Range(256, 8192))
        ->capture_default_str();
    command->callback([args, &exit_code] { exit_code = run_align(*args); });
}

}  // namespace facemix::cli
