#include "cli/command.h"
#include "cli/interrupt.h"
#include "cli/progress_bar.h"

#include "common/error.h"
#include "io/image_inputs.h"
#include "train/photo_dataset_builder.h"

#include <iostream>
#include <memory>
#include <optional>

namespace facemix::cli {
namespace {

struct PrepArguments {
    std::vector<std::string> inputs;
    std::string output_dir;
    int size = 256;
    std::string identity_from = "clusters";
    double held_out_share = 0.1;
    int max_per_person = 0;
    int threads = 0;
    std::string landmark_model = default_landmark_model_path().string();
    std::string descriptor_model;  // empty: default_face_descriptor_model_path()
};

std::string plural(std::size_t n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); }

int run_prep(const PrepArguments& args) {
    PhotoDatasetOptions options;
    options.photos = expand_image_inputs(args.inputs);
    options.output = args.output_dir;
    options.size = args.size;
    options.identity_from = identity_source_from_name(args.identity_from);
    options.held_out_share = args.held_out_share;
    options.threads = args.threads;
    options.max_photos_per_person = args.max_per_person;
    options.landmark_model = args.landmark_model;
    options.descriptor_model = args.descriptor_model;

    std::optional<ProgressBar> progress;
    PhotoDatasetCallbacks callbacks;
    callbacks.on_progress = [&](std::size_t done, std::size_t total, const std::filesystem::path& photo) {
        if (!progress) progress.emplace(total, "preparing");
        progress->update(done, photo.filename().string());
    };
    callbacks.on_photo = [&](const std::filesystem::path& photo, std::size_t faces, bool done_before) {
        progress->clear();
        std::cout << photo.string() << ": " << plural(faces, "face", "faces") << (done_before ? " (done before)" : "") << "\n";
    };
    callbacks.on_failure = [&](const std::filesystem::path&, const std::string& error) {
        progress->clear();
        std::cerr << "facemix: " << error << "\n";
    };
    PhotoDatasetSummary summary;
    try {
        summary = build_photo_dataset(options, callbacks, interrupt_token());
    } catch (const Cancelled&) {
        if (progress) progress->finish();
        std::cerr << "facemix: stopped; the photos finished so far are kept, and the same command resumes\n";
        return kExitInterrupted;
    }
    if (progress) progress->finish();
    std::cout << plural(summary.photos, "photo", "photos") << ", " << plural(summary.faces, "face", "faces") << ", "
              << plural(summary.identities, "identity", "identities") << ", " << plural(summary.pairs, "pair", "pairs") << " ("
              << summary.near_duplicates << " near-duplicates excluded), " << summary.held_out_identities
              << " of the people held out; " << summary.aligned_now << " aligned now, "
              << summary.done_before << " already done; in " << args.output_dir << "\n";
    if (!summary.failed.empty()) {
        std::cerr << "facemix: " << plural(summary.failed.size(), "photo", "photos") << " skipped:";
        for (const auto& name : summary.failed) std::cerr << " " << name.string();
        std::cerr << "\n";
        return kExitFailed;
    }
    return kExitOk;
}

}  // namespace

void add_prep_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<PrepArguments>();
    CLI::App* command = app.add_subcommand(
        "prep", "Make a training set from photos: align every face, group the faces into identities (dlib face-descriptor "
                "clusters, or one person per folder), list retrieval pairs (same person, near-duplicates excluded) in "
                "pairs.csv, both ways, and hold some people out; labels.csv, descriptors.safetensors, dataset.json. "
                "Resumable, on every core");
    command->add_option("photos", args->inputs, "Photos, or folders of photos (searched recursively)")->required();
    command->add_option("-o,--output", args->output_dir, "Dataset folder (created if missing; a re-run resumes)")->required();
    command->add_option("--size", args->size, "Aligned image size in px")->check(CLI::IsMember({256, 512, 1024}))->capture_default_str();
    command->add_option("--identity-from", args->identity_from,
                        "clusters: group faces by dlib descriptor; folders: each photo's folder is its person (LFW's "
                        "layout), and only the largest face of a photo is taken")
        ->check(CLI::IsMember({"clusters", "folders"}))
        ->capture_default_str();
    command->add_option("--held-out", args->held_out_share,
                        "Share of people (never of photos) kept out of training for evaluation, chosen by name hash")
        ->check(CLI::Range(0.0, 0.95))
        ->capture_default_str();
    command->add_option("--max-per-person", args->max_per_person,
                        "With --identity-from folders: at most this many photos of each person, in name order (0 = all)")
        ->check(CLI::Range(0, 1000000))
        ->capture_default_str();
    command->add_option("-j,--threads", args->threads, "Worker threads (0 = every core)")->check(CLI::Range(0, 256))->capture_default_str();
    command->add_option("--landmark-model", args->landmark_model, "dlib 68-point shape predictor")->capture_default_str();
    command->add_option("--face-model", args->descriptor_model,
                        "dlib_face_recognition_resnet_model_v1.dat (default: the one tools/setup.sh installs)");
    command->callback([args, &exit_code] { exit_code = run_prep(*args); });
}

}  // namespace facemix::cli
