#include <iostream>

#include "cli/command.h"
#include "cli/generation_options.h"
#include "cli/interrupt.h"
#include "cli/job_output.h"

#include "common/error.h"
#include "mix/job_files.h"

namespace facemix::cli {
namespace {

struct InterpolateArguments {
    GenerationArguments generation;
    std::vector<std::string> faces;
    std::vector<std::string> backgrounds;
    std::string output_dir;
    std::size_t frames = 8;
    std::string method = "slerp";
    int frame_ms = facemix::kFrameMilliseconds;
};

int run_interpolate(const InterpolateArguments& args) {
    if (args.faces.size() >= 2 && args.backgrounds.size() >= 2)
        throw InputError("Interpolate moves between faces or between backgrounds, not both: give one of them once.");
    if (args.faces.size() < 2 && args.backgrounds.size() < 2)
        throw InputError("Interpolate needs two or more faces (or two or more backgrounds) to move between.");
    const auto engine = open_engine(args.generation);  // bad flags and models fail before any photo is aligned
    std::size_t failures = 0;
    MixJob job;
    job.faces = load_sources(args.faces, args.generation.aligned, failures);
    job.backgrounds = load_sources(args.backgrounds, args.generation.aligned, failures);
    if (failures) throw InputError("Every photo of an interpolation must be usable.");
    const auto axis = args.faces.size() >= 2 ? InterpolationAxis::Face : InterpolationAxis::Background;
    job.settings = sampling_settings(args.generation);
    job.token_weights = args.generation.token_weights;
    job.batch_cells = args.generation.batch;
    job.cells = interpolation_cells(axis, axis == InterpolationAxis::Face ? job.faces.size() : job.backgrounds.size(), args.frames,
                                    args.generation.seed, interpolation_from_name(args.method));
    JobOutput output(args.output_dir, job, JobOutput::frame_name);
    const int code = output.run(*engine, interrupt_token());
    output.write_results_strip("interpolation", args.frame_ms);
    return code;
}

}  // namespace

void add_interpolate_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<InterpolateArguments>();
    CLI::App* command = app.add_subcommand(
        "interpolate", "Slide between two or more faces (or backgrounds) with one seed: frames, a strip and an animated PNG");
    command->add_option("--faces", args->faces, "One face, or the faces to move through")->required();
    command->add_option("--backgrounds", args->backgrounds, "One background, or the backgrounds to move through")->required();
    command->add_option("-o,--output", args->output_dir, "Output folder")->required();
    command->add_option("--frames", args->frames, "Frames from the first to the last keyframe")->capture_default_str();
    command->add_option("--method", args->method, "slerp or lerp")->capture_default_str();
    command->add_option("--frame-ms", args->frame_ms, "Time each frame shows in the animation")->capture_default_str()->check(CLI::Range(10, 10000));
    add_generation_options(*command, args->generation);
    command->callback([args, &exit_code] { exit_code = run_interpolate(*args); });
}

}  // namespace facemix::cli
