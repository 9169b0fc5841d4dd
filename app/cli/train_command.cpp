#include "cli/command.h"
#include "cli/interrupt.h"
#include "cli/progress_bar.h"

#include "common/error.h"
#include "train/local_ranks.h"
#include "train/trainer.h"

#include <cstdio>
#include <iostream>
#include <memory>

namespace facemix::cli {
namespace {

struct TrainOptions {
    std::string data;
    std::string config = "tiny-pixel";
    std::string output;
    std::int64_t steps = 0;  // 0 = the config's
    std::string device = "cpu";
    std::string precision = "fp32";
    TrainerOptions trainer;  // --init, --cache, --checkpointing
    std::string command;
    int nproc_per_node = 1;
    int dist_timeout = 300;  // seconds
};

int run_train(const TrainOptions& options) {
    TrainConfig config = load_train_config(options.config);
    if (options.steps > 0) config.steps = options.steps;
    const ComputeTarget target = resolve_compute_target(options.device, options.precision);
    DataParallel parallel = DataParallel::from_environment(std::chrono::seconds(options.dist_timeout));
    const int ranks = parallel.world_size();
    const bool speaks = parallel.is_main();  // rank 0 reports for all ranks
    Trainer trainer(config, options.data, options.output, options.command, target, options.trainer, std::move(parallel));
    const FacePairDataset& data = trainer.dataset();
    if (speaks)
        std::cout << "training on " << data.training_images() << " images of " << data.identities() << " identities at "
                  << data.resolution() << " px on " << target.description()
                  << (ranks > 1 ? " x " + std::to_string(ranks) + " ranks" : std::string())
                  << (options.trainer.init.empty() ? std::string() : ", fine-tuning " + options.trainer.init.string() + " in latent space")
                  << (trainer.resumed() ? ", resuming at step " + std::to_string(trainer.step()) : std::string()) << "\n";
    ProgressBar progress(speaks ? static_cast<std::size_t>(config.steps) : 0, "training");
    if (speaks) progress.update(static_cast<std::size_t>(trainer.step()));
    TrainCallbacks callbacks;
    if (speaks) {
        callbacks.on_step = [&](const TrainStepReport& report) {
            char text[64];
            std::snprintf(text, sizeof text, "loss %.4f", report.loss);
            progress.update(static_cast<std::size_t>(report.step), text);
        };
        callbacks.on_sample = [&](const std::filesystem::path& path) {
            progress.clear();
            std::cout << "step " << trainer.step() << ": samples " << path.string() << "\n";
        };
    }
    try {
        trainer.train(callbacks, interrupt_token());
    } catch (const Cancelled&) {
        if (!speaks) return kExitInterrupted;
        progress.finish();
        std::cerr << "facemix: stopped at step " << trainer.step() << "; checkpoint saved, the same command resumes\n";
        return kExitInterrupted;
    }
    if (!speaks) return kExitOk;
    progress.finish();
    std::cout << "trained " << trainer.step() << " steps; model " << Trainer::bundle_path(options.output).string()
              << ", loss curve " << (std::filesystem::path(options.output) / "loss.csv").string() << "\n";
    return kExitOk;
}

}  // namespace

void add_train_command(CLI::App& app, int& exit_code) {
    auto options = std::make_shared<TrainOptions>();
    CLI::App* command = app.add_subcommand(
        "train", "Train a pixel-space face mixer from scratch, or fine-tune an SD bundle in latent space (--init), on a "
                 "dataset folder (labels.csv with file and identity columns, e.g. from facemix synth); the same command "
                 "resumes an interrupted run");
    command->add_option("--data", options->data, "Dataset folder")->required();
    command->add_option("--config", options->config, "Preset (tiny-pixel; real64-descriptor and real64-encoder for photo sets from facemix prep) or a JSON file of training settings")
        ->capture_default_str();
    command->add_option("-o,--output", options->output,
                        "Run folder: model.safetensors (EMA weights), trainer_state.safetensors, loss.csv, samples/")
        ->required();
    command->add_option("--init", options->trainer.init,
                        "A facemix SD bundle (VAE, image encoder, UNet) to fine-tune: its UNet trains in latent space, its VAE "
                        "and encoder stay frozen and go into the result unchanged; the config's architecture is ignored");
    command->add_option("--cache", options->trainer.cache,
                        "With --init: a folder where the latents and tokens of the dataset are computed once and reused");
    command->add_flag("--checkpointing", options->trainer.checkpointing,
                      "Gradient checkpointing per UNet block: less memory, about a third more time a step");
    command->add_option("--steps", options->steps, "Optimizer steps, overriding the config's (a resume may extend a run)");
    command->add_option("--device", options->device, "cpu, cuda or cuda:N (auto: a GPU when there is one)")->capture_default_str();
    command->add_option("--precision", options->precision,
                        "fp32, or bf16 (autocast with fp32 master weights; fp32 on the CPU is usually faster)")
        ->check(CLI::IsMember({"fp32", "bf16"}))
        ->capture_default_str();
    command->add_option("--nproc-per-node", options->nproc_per_node,
                        "Data-parallel ranks to start on this machine, each a process with its share of every batch "
                        "(the batch must be a multiple); across machines, start one facemix train per rank with "
                        "torchrun's RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT set")
        ->check(CLI::Range(1, 1024))
        ->capture_default_str();
    command->add_option("--dist-timeout", options->dist_timeout,
                        "Seconds a rank waits for the others before it gives up with an error (a rank died or hung)")
        ->check(CLI::Range(1, 86400))
        ->capture_default_str();
    command->callback([options, &exit_code] {
        if (options->nproc_per_node > 1) {
            run_local_ranks(options->nproc_per_node, "--nproc-per-node");
            exit_code = kExitOk;
            return;
        }
        options->command = "facemix train --data " + options->data + " --config " + options->config +
                           (options->trainer.init.empty() ? std::string() : " --init " + options->trainer.init.string()) +
                           (options->steps > 0 ? " --steps " + std::to_string(options->steps) : std::string());
        exit_code = run_train(*options);
    });
}

}  // namespace facemix::cli
