#include <iostream>

#include "cli/command.h"
#include "cli/generation_options.h"
#include "cli/interrupt.h"
#include "cli/job_output.h"

#include "common/error.h"

namespace facemix::cli {
namespace {

struct EditArguments {
    GenerationArguments generation;
    std::string photo;
    std::string face;
    std::string background;
    double strength = 0.6;
    std::string output_dir;
};

MixSource one_source(const std::string& spec, bool aligned) {
    std::size_t failures = 0;
    auto sources = load_sources({spec}, aligned, failures);
    if (sources.empty()) throw InputError(spec + " cannot be used.");
    return std::move(sources.front());
}

int run_edit(const EditArguments& args) {
    const auto engine = open_engine(args.generation);  // bad flags and models fail before any photo is aligned
    MixJob job;
    job.init = one_source(args.photo, args.generation.aligned);
    job.faces = {args.face.empty() ? *job.init : one_source(args.face, args.generation.aligned)};
    job.backgrounds = {args.background.empty() ? *job.init : one_source(args.background, args.generation.aligned)};
    job.settings = sampling_settings(args.generation);
    job.settings.strength = args.strength;
    job.token_weights = args.generation.token_weights;
    job.cells = grid_cells(1, 1, args.generation.seed, SeedPolicy::Fixed);
    JobOutput output(args.output_dir, job, [](const MixJob& j, const CellRequest&) {
        return std::filesystem::path(j.init->file).stem().string() + "_edit.png";
    });
    return output.run(*engine, interrupt_token());
}

}  // namespace

void add_edit_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<EditArguments>();
    CLI::App* command = app.add_subcommand(
        "edit", "SDEdit: noise an aligned photo to --strength and denoise it towards a face and a background");
    command->add_option("photo", args->photo, "The photo to start from (its largest face; photo.jpg#2 for another)")->required();
    command->add_option("--strength", args->strength, "0 keeps the photo, 1 ignores it")->capture_default_str()->check(CLI::Range(0.0, 1.0));
    command->add_option("--face", args->face, "Take the face token from this photo instead of the start photo");
    command->add_option("--background", args->background, "Take the background token from this photo instead");
    command->add_option("-o,--output", args->output_dir, "Output folder")->required();
    add_generation_options(*command, args->generation);
    command->callback([args, &exit_code] { exit_code = run_edit(*args); });
}

}  // namespace facemix::cli
