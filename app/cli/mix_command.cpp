#include <iostream>

#include "cli/command.h"
#include "cli/generation_options.h"
#include "cli/interrupt.h"
#include "cli/job_output.h"

#include "common/error.h"

namespace facemix::cli {
namespace {

struct MixArguments {
    GenerationArguments generation;
    std::vector<std::string> faces;
    std::vector<std::string> backgrounds;
    std::string output_dir;
    std::string seed_policy = "per-cell";
};

int run_mix(const MixArguments& args) {
    const auto engine = open_engine(args.generation);  // bad flags and models fail before any photo is aligned
    std::size_t failures = 0;
    const MixJob job = grid_job(args.generation, args.faces, args.backgrounds, seed_policy_from_name(args.seed_policy), failures);

    JobOutput output(args.output_dir, job);
    const int code = output.run(*engine, interrupt_token());
    output.write_results_sheet("contact_sheet.png");
    return failures > 0 && code == kExitOk ? kExitFailed : code;
}

}  // namespace

void add_mix_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<MixArguments>();
    CLI::App* command = app.add_subcommand(
        "mix", "Generate every face x background pair: one PNG per cell (with its recipe) and a contact sheet");
    command->add_option("--faces", args->faces, "Photos whose face (identity) is kept; photo.jpg#2 = its second face; a.jpg+b.jpg*2 (or a folder) = one person from several photos, b weighing twice")
        ->required();
    command->add_option("--backgrounds", args->backgrounds, "Photos that give everything else (hair, clothes, light, scene)")
        ->required();
    command->add_option("-o,--output", args->output_dir, "Output folder")->required();
    command->add_option("--seed-policy", args->seed_policy, "per-cell (seed, seed+1, ... in reading order) or fixed")
        ->capture_default_str();
    add_generation_options(*command, args->generation);
    command->callback([args, &exit_code] { exit_code = run_mix(*args); });
}

}  // namespace facemix::cli
