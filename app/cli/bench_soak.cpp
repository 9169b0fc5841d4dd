#include "cli/bench.h"
#include "cli/bench_support.h"

#include <cstdio>
#include <stop_token>

#include "bundle/random_bundle.h"
#include "common/error.h"
#include "mix/mix_engine.h"

namespace facemix::cli {
namespace {

struct BenchSoakArguments {
    int generations = 300;
    int warm_up = 50;     // generations before the baseline is taken: allocators and caches settle
    int report_every = 25;
};

struct SoakSample {
    int generation = 0;
    double resident_mib = 0.0;
    int files = 0;
    int threads = 0;
};

SoakSample sample_now(int generation) { return {generation, resident_mib(), open_file_count(), thread_count()}; }

// Many generations through one engine, as the studio's worker runs them: mixed sizes and batches,
// every fifth job cancelled after its first step. Memory, file handles and threads must not grow.
int run_bench_soak(const BenchSoakArguments& args) {
    if (args.generations < 2 || args.warm_up < 1 || args.warm_up >= args.generations || args.report_every < 1)
        throw InputError("--generations must exceed --warm-up, which must be at least 1, and --report-every must be at least 1.");
    MixEngine engine(random_bundle(face_mixer_manifest("tiny"), 0), "tiny (random weights)", ComputeTarget{});
    const std::int64_t native = engine.manifest().native_resolution;
    const std::int64_t sizes[] = {native, native + native / 2, native * 2};
    std::vector<SoakSample> curve;
    SoakSample baseline;
    int cancelled = 0;
    std::printf("generation  resident MiB  open files  threads\n");
    for (int generation = 1; generation <= args.generations; ++generation) {
        MixJob job;
        job.faces = random_sources("face", 1 + generation % 2, 64, generation);
        job.backgrounds = random_sources("background", 1 + generation % 3, 64, 1000 + generation);
        job.settings.steps = 3;
        job.settings.resolution = sizes[generation % 3];
        job.batch_cells = 1 + static_cast<std::size_t>(generation % 4);
        job.cells = grid_cells(job.faces.size(), job.backgrounds.size(), static_cast<std::uint64_t>(generation), SeedPolicy::PerCell);
        std::stop_source stop;
        MixCallbacks callbacks;
        if (generation % 5 == 0)
            callbacks.on_progress = [&stop](const JobProgress& progress) {
                if (progress.step >= 1) stop.request_stop();
            };
        try {
            engine.run(job, callbacks, stop.get_token());
        } catch (const Cancelled&) {
            ++cancelled;
        }
        if (generation == args.warm_up) baseline = sample_now(generation);
        if (generation % args.report_every == 0 || generation == args.generations) {
            curve.push_back(sample_now(generation));
            std::printf("%10d  %12.1f  %10d  %7d\n", curve.back().generation, curve.back().resident_mib, curve.back().files,
                        curve.back().threads);
        }
    }
    const SoakSample& last = curve.back();
    std::printf("%d generations (%d cancelled mid-job), sizes %lld/%lld/%lld px, batches 1-4\n", args.generations, cancelled,
                static_cast<long long>(sizes[0]), static_cast<long long>(sizes[1]), static_cast<long long>(sizes[2]));
    std::printf("after warm-up (generation %d -> %d): resident %+.1f MiB (%.3fx), open files %+d, threads %+d\n", baseline.generation,
                last.generation, last.resident_mib - baseline.resident_mib, last.resident_mib / baseline.resident_mib,
                last.files - baseline.files, last.threads - baseline.threads);
    return kExitOk;
}

}  // namespace

void add_bench_soak(CLI::App& bench, int& exit_code) {
    auto args = std::make_shared<BenchSoakArguments>();
    CLI::App* command = bench.add_subcommand(
        "soak", "Many generations in one engine (tiny model, mixed sizes, cancels): resident memory, open files and threads over time");
    command->add_option("--generations", args->generations, "Jobs to run")->capture_default_str();
    command->add_option("--warm-up", args->warm_up, "Jobs before the baseline is taken")->capture_default_str();
    command->add_option("--report-every", args->report_every, "Jobs between two rows of the curve")->capture_default_str();
    command->callback([args, &exit_code] { exit_code = run_bench_soak(*args); });
}

}  // namespace facemix::cli
