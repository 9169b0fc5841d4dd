#include "cli/bench.h"
#include "cli/bench_support.h"

#include <chrono>
#include <cstdio>

#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <ATen/ops/full.h>
#include <ATen/ops/randn.h>
#include <opencv2/core.hpp>

#include "bundle/random_bundle.h"
#include "mix/mix_engine.h"
#include "nn/unet.h"

namespace facemix::cli {
namespace {

struct BenchMixArguments {
    std::vector<std::string> architectures{"tiny", "sd-v1"};
    std::int64_t resolution = 256;
    std::int64_t steps = 4;
    std::string sampler = "ddim";
    std::string device = "auto";
    std::string precision = "auto";
};

struct JobTiming {
    double seconds = 0.0;
    SamplingStats stats;
};

JobTiming time_job(MixEngine& engine, const MixJob& job) {
    JobTiming timing;
    const auto start = std::chrono::steady_clock::now();
    engine.run(job, {}, std::stop_token(), &timing.stats);
    synchronize(engine.target());
    timing.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return timing;
}

void bench_architecture(const BenchMixArguments& args, const std::string& architecture) {
    const ComputeTarget target = resolve_compute_target(args.device, args.precision);
    const ModelManifest manifest = face_mixer_manifest(architecture);
    MixEngine engine(random_bundle(manifest, 0), architecture + " (random weights)", target);
    const std::int64_t resolution = architecture == "tiny" ? manifest.native_resolution : args.resolution;

    MixJob job;
    job.faces = random_sources("face", 3, 256, 1);
    job.backgrounds = random_sources("background", 3, 256, 2);
    job.settings.sampler = args.sampler;
    job.settings.steps = args.steps;
    job.settings.resolution = resolution;
    job.cells = grid_cells(3, 3, 0, SeedPolicy::PerCell);

    // Warm-up: embeddings get cached and kernels chosen for both batch shapes.
    MixJob warm = job;
    warm.settings.steps = 1;
    warm.batch_cells = 9;
    time_job(engine, warm);
    warm.batch_cells = 1;
    warm.cells.resize(1);
    time_job(engine, warm);

    job.batch_cells = 9;
    const JobTiming batched = time_job(engine, job);
    job.batch_cells = 1;
    const JobTiming single = time_job(engine, job);

    // The bare forward the one-at-a-time job calls: the CFG pair of one cell.
    at::NoGradGuard no_grad;
    const std::int64_t side = resolution / (manifest.vae ? std::int64_t{1} << (manifest.vae->levels() - 1) : 1);
    const auto options = at::TensorOptions().device(target.device);
    const at::Tensor latents = at::randn({2, manifest.unet->in_channels, side, side}, options);
    const at::Tensor context =
        at::randn({2, static_cast<std::int64_t>(manifest.conditioning.tokens.size()), manifest.unet->context_dim}, options).to(target.dtype);
    const at::Tensor t = at::full({1}, 500.0, options);
    UNet& unet = engine.unet();
    const double bare_ms = median_ms(5, [&] {
        (void)unet.forward(latents, t, context);
        synchronize(target);
    });
    const double in_job_ms = 1000.0 * single.stats.loop_seconds / static_cast<double>(single.stats.unet_calls);

    std::printf("%s, %lld px, %s, %lld steps, 3x3 grid, %s, %d CPU threads\n", architecture.c_str(),
                static_cast<long long>(resolution), args.sampler.c_str(), static_cast<long long>(args.steps),
                target.description().c_str(), at::get_num_threads());
    std::printf("  batched (9 cells per UNet call)  %9.3f s per cell\n", batched.seconds / 9.0);
    std::printf("  one cell at a time               %9.3f s per cell   ratio one-at-a-time/batched = %.2f\n", single.seconds / 9.0,
                single.seconds / batched.seconds);
    std::printf("  UNet evaluation inside the job   %9.2f ms (%lld calls; sampler, guidance and job included)\n", in_job_ms,
                static_cast<long long>(single.stats.unet_calls));
    std::printf("  bare UNet forward, same shapes   %9.2f ms   job overhead = %+.1f%%\n", bare_ms, 100.0 * (in_job_ms / bare_ms - 1.0));
    std::printf("  peak RSS %.2f GiB\n", peak_resident_gib());
    std::fflush(stdout);  // one architecture's table at a time, also into a pipe
}

}  // namespace

void add_bench_mix(CLI::App& bench, int& exit_code) {
    auto args = std::make_shared<BenchMixArguments>();
    CLI::App* command = bench.add_subcommand(
        "mix", "A 3x3 grid on random-weight bundles: time per cell, batched vs one cell at a time, job overhead per UNet call");
    command->add_option("--arch", args->architectures, "tiny and/or sd-v1")->capture_default_str();
    command->add_option("--resolution", args->resolution, "Output size for sd-v1")->capture_default_str();
    command->add_option("--steps", args->steps, "Denoising steps")->capture_default_str();
    command->add_option("--sampler", args->sampler, "Sampler")->capture_default_str();
    command->add_option("--device", args->device, "auto, cpu, cuda or cuda:N")->capture_default_str();
    command->add_option("--precision", args->precision, "auto, fp32, fp16 or bf16")->capture_default_str();
    command->callback([args, &exit_code] {
        for (const auto& architecture : args->architectures) bench_architecture(*args, architecture);
        exit_code = kExitOk;
    });
}

}  // namespace facemix::cli
