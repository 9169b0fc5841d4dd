#include "cli/command.h"
#include "cli/interrupt.h"
#include "cli/progress_bar.h"

#include "common/error.h"
#include "train/synthetic_dataset.h"

#include <cstdio>
#include <iostream>
#include <memory>

namespace facemix::cli {
namespace {

int run_synth(const SyntheticDatasetOptions& options) {
    check_synthetic_options(options);  // a bad flag fails before the bar appears
    const auto total = static_cast<std::size_t>(options.identities * options.renders);
    ProgressBar progress(total, "rendering");
    SyntheticDatasetSummary summary;
    try {
        summary = write_synthetic_dataset(
            options, [&](std::int64_t done, std::int64_t) { progress.update(static_cast<std::size_t>(done)); },
            interrupt_token());
    } catch (const Cancelled&) {
        progress.finish();
        std::cerr << "facemix: stopped; the images finished so far are kept, and the same command resumes the set\n";
        return kExitInterrupted;
    }
    progress.finish();
    char rate[64];
    std::snprintf(rate, sizeof rate, "%.1f s, %.0f images/s", summary.seconds,
                  summary.seconds > 0 ? static_cast<double>(summary.written) / summary.seconds : 0.0);
    std::cout << "synthesised " << options.identities << (options.identities == 1 ? " identity" : " identities") << " x "
              << options.renders << (options.renders == 1 ? " render" : " renders") << " at " << options.size << " px into "
              << options.output.string() << ": " << summary.written << " written, " << summary.kept << " already there ("
              << rate << "); labels in " << (options.output / "labels.csv").string() << "\n";
    return kExitOk;
}

}  // namespace

void add_synth_command(CLI::App& app, int& exit_code) {
    auto options = std::make_shared<SyntheticDatasetOptions>();
    auto output = std::make_shared<std::string>();
    CLI::App* command = app.add_subcommand(
        "synth", "Render a synthetic training set: procedural aligned faces whose identity traits and everything else "
                 "are drawn independently, several renders per identity, every trait labelled (labels.csv, dataset.json)");
    command->add_option("-n,--identities", options->identities, "Number of identities (1 to 1000000)")->required();
    command->add_option("-o,--output", *output, "Dataset folder (created if missing; an interrupted set resumes)")->required();
    command->add_option("--seed", options->seed, "Seed: the same seed gives the same images, byte for byte")->capture_default_str();
    command->add_option("--size", options->size, "Image size in px: 64, 128, 256 or 512")->capture_default_str();
    command->add_option("--renders", options->renders, "Renders per identity: same person, fresh hair, hat, glasses, "
                                                         "background, light and pose")
        ->capture_default_str();
    command->callback([options, output, &exit_code] {
        options->output = *output;
        exit_code = run_synth(*options);
    });
}

}  // namespace facemix::cli
