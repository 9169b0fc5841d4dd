#include <iostream>

#include "cli/command.h"
#include "cli/generation_options.h"
#include "cli/interrupt.h"
#include "cli/job_output.h"

#include "common/error.h"
#include "identity/face_descriptor.h"
#include "mix/casting.h"
#include "mix/source_loader.h"

namespace facemix::cli {
namespace {

struct CastArguments {
    GenerationArguments generation;
    std::string face;
    std::string background;
    std::vector<std::string> faces;
    std::vector<std::string> backgrounds;
    std::string output_dir;
    std::string seed_policy = "fixed";
};

int run_cast(const CastArguments& args) {
    const bool faces_vary = !args.background.empty();
    if (faces_vary == !args.face.empty())
        throw InputError("A cast tries one --face on --backgrounds, or one --background with --faces: give one of the two.");
    if (faces_vary ? args.faces.empty() : args.backgrounds.empty())
        throw InputError(faces_vary ? "--background needs --faces to try on it." : "--face needs --backgrounds to try it on.");
    if (faces_vary ? !args.backgrounds.empty() : !args.faces.empty())
        throw InputError("A cast varies faces or backgrounds, not both: give --faces with --background, or --backgrounds with --face.");
    const auto direction = faces_vary ? CastDirection::BackgroundWithFaces : CastDirection::FaceOnBackgrounds;
    std::vector<std::string> specs;
    for (const auto& photo : cast_photo_files(faces_vary ? args.faces : args.backgrounds)) specs.push_back(photo.string());
    FaceDescriptor descriptor;  // a missing face-recognition model fails before anything is generated
    const auto engine = open_engine(args.generation);
    SourceLoader loader(args.generation.aligned);
    MixSource fixed = loader.load(faces_vary ? args.background : args.face);
    std::size_t failures = 0;
    std::vector<MixSource> varied = load_sources(specs, args.generation.aligned, failures);
    if (varied.empty()) throw InputError(faces_vary ? "None of the face photos can be used." : "None of the background photos can be used.");
    MixJob job = cast_job(direction, std::move(fixed), std::move(varied), args.generation.seed, seed_policy_from_name(args.seed_policy));
    job.settings = sampling_settings(args.generation);
    job.token_weights = args.generation.token_weights;
    job.batch_cells = args.generation.batch;

    JobOutput output(args.output_dir, job);
    const int code = output.run(*engine, interrupt_token());
    std::vector<cv::Mat> cells(faces_vary ? job.faces.size() : job.backgrounds.size());
    std::vector<bool> reached(cells.size(), false);
    for (const CellResult& result : output.results()) {
        const std::size_t index = cast_index(direction, result.request);
        reached.at(index) = true;
        if (result.ok()) cells.at(index) = result.image;
    }
    const std::vector<CastEntry> ranked = reached_entries(rank_cast(descriptor, job, direction, cells), reached);
    const CastFiles files = write_cast_files(args.output_dir, job, direction, ranked);
    std::cout << files.sheet.string() << "\n" << files.csv.string() << "\n";
    if (!ranked.empty() && ranked.front().identity)
        std::cerr << "best: " << ranked.front().source << " (identity cosine " << *ranked.front().identity << ")\n";
    return failures > 0 && code == kExitOk ? kExitFailed : code;
}

}  // namespace

void add_cast_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<CastArguments>();
    CLI::App* command = app.add_subcommand(
        "cast", "Try one face on many backgrounds (or one background with many faces): the cells, and a sheet and CSV ranked by identity kept");
    command->add_option("--face", args->face, "The face to try on every background (a.jpg+b.jpg*2 = one person from several photos)");
    command->add_option("--backgrounds", args->backgrounds, "Background photos, or folders of them, each tried with --face");
    command->add_option("--background", args->background, "The background to try every face with");
    command->add_option("--faces", args->faces, "Face photos, or folders of them, each tried on --background");
    command->add_option("-o,--output", args->output_dir, "Output folder")->required();
    command->add_option("--seed-policy", args->seed_policy,
                        "fixed (one seed for every cell, so only the source changes) or per-cell")
        ->capture_default_str();
    add_generation_options(*command, args->generation);
    command->footer("Writes every cell, cast_sheet.png (the fixed source, then the cells best first, each with its score) and "
                    "cast.csv (rank, cell, source, identity_cosine): the cosine of dlib face descriptors between each cell and its "
                    "face source; a face of several photos is the weighted mean of their descriptors.");
    command->callback([args, &exit_code] { exit_code = run_cast(*args); });
}

}  // namespace facemix::cli
