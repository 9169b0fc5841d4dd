#include "cli/bench.h"
#include "cli/bench_support.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <system_error>
#include <time.h>
#include <unistd.h>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <ATen/ops/full.h>
#include <ATen/ops/randn.h>
#include <opencv2/core.hpp>

#include "bundle/default_model.h"
#include "bundle/model_bundle.h"
#include "bundle/model_networks.h"
#include "bundle/random_bundle.h"
#include "common/error.h"
#include "common/one_intra_op_thread.h"
#include "mix/mix_engine.h"
#include "nn/autoencoder_kl.h"
#include "nn/clip_vision.h"
#include "nn/mixed_precision.h"
#include "nn/unet.h"
#include "tensor/blas_binding.h"

namespace facemix::cli {
namespace {

struct BenchMixArguments {
    std::vector<std::string> architectures{"default", "sd-v1"};
    std::vector<std::string> precisions{"fp32", "bf16"};
    std::int64_t resolution = 256;
    std::int64_t steps = 4;
    int cells = 9;
    int threads = 0;
    std::string sampler = "ddim";
    std::string device = "auto";
    std::string weight_memory = "auto";
    bool vs_diffusers = false;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct JobTiming {
    double seconds = 0.0;
    double first_cell_seconds = 0.0;
    SamplingStats stats;
};

JobTiming time_job(MixEngine& engine, const MixJob& job) {
    JobTiming timing;
    const auto start = std::chrono::steady_clock::now();
    MixCallbacks callbacks;
    callbacks.on_cell = [&](const CellResult& cell) {
        if (!cell.ok()) throw InputError("the benchmark's cell failed: " + cell.error);
        if (timing.first_cell_seconds == 0.0) timing.first_cell_seconds = seconds_since(start);
    };
    engine.run(job, callbacks, std::stop_token(), &timing.stats);
    synchronize(engine.target());
    timing.seconds = seconds_since(start);
    return timing;
}

// A network call's wall time and the CPU time the process spent on it. On a machine shared with
// other work the wall time grows with the load; the CPU time is the steadier figure to compare (with
// more than one thread it includes OpenMP's spin-waiting).
struct CallTime {
    double wall_ms = 0, cpu_ms = 0;
};

double process_cpu_ms() {
    timespec now{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return 1e3 * static_cast<double>(now.tv_sec) + 1e-6 * static_cast<double>(now.tv_nsec);
}

// One timed call after one warm-up call: at 512 px a float32 UNet call takes seconds, so a median of
// several would make the bench too slow to run as often as it should be.
template <typename Work>
CallTime warm_time(const ComputeTarget& target, Work&& work) {
    const auto call = [&] {
        work();
        synchronize(target);
    };
    call();
    const double cpu_start = process_cpu_ms();
    const auto start = std::chrono::steady_clock::now();
    call();
    return {1e3 * seconds_since(start), process_cpu_ms() - cpu_start};
}

// What one architecture at one precision measured: the figures the summary compares across precisions.
struct Measurement {
    double load_s = 0, first_cell_s = 0, batched_cells_per_min = 0, single_cells_per_min = 0;
    CallTime encoder, unet, unet_one_thread, unet_other_residency, vae;
    double step_in_job_ms = 0;
    double load_peak_gib = 0, jobs_peak_gib = 0;  // resident memory while the engine loads, then over its jobs
    double peak_gib() const { return std::max(load_peak_gib, jobs_peak_gib); }
};

constexpr double kBytesPerGiB = 1024.0 * 1024.0 * 1024.0;

// Issue 13's goals for the whole job of a full-size SD v1 model at 512 px on the CPU, in GB (10^9
// bytes, as written there): none for other models, sizes, precisions or devices.
std::optional<double> peak_goal_gb(const std::string& architecture, std::int64_t resolution, const std::string& precision,
                                   const ComputeTarget& target) {
    if (architecture != "sd-v1" || resolution != 512 || !target.device.is_cpu()) return std::nullopt;
    if (precision == "fp32") return 5.0;
    if (precision == "bf16") return 2.3;
    return std::nullopt;
}

// The goal is the mark of a machine short of memory, which gets streamed weights: resident ones trade
// memory for speed on purpose, so their peak is printed without a verdict.
void print_peak(const Measurement& m, std::optional<double> goal_gb, const std::string& precision, WeightResidency residency) {
    const auto gb = [](double gib) { return gib * kBytesPerGiB / 1e9; };
    std::printf("  peak RSS %.2f GiB (%.2f GB): %.2f GiB loading, %.2f GiB in the jobs (the model read from its file, the engine and its jobs)\n",
                m.peak_gib(), gb(m.peak_gib()), m.load_peak_gib, m.jobs_peak_gib);
    if (!goal_gb) return;
    if (residency != WeightResidency::Streamed)
        std::printf("  goal: peak at most %.1f GB in %s at 512 px, with streamed weights (--weight-memory streamed); these were %s\n",
                    *goal_gb, precision.c_str(), weight_residency_name(residency).c_str());
    else
        std::printf("  goal: peak at most %.1f GB in %s at 512 px: %s by %.2f GB\n", *goal_gb, precision.c_str(),
                    gb(m.peak_gib()) <= *goal_gb ? "met" : "missed", std::abs(gb(m.peak_gib()) - *goal_gb));
}

WeightDType stored_dtype(at::ScalarType dtype) {
    if (dtype == at::kHalf) return WeightDType::F16;
    if (dtype == at::kBFloat16) return WeightDType::BF16;
    return WeightDType::F32;
}

// The bundle a user of this architecture would open, as a file in the precision the engine computes
// in (as a converted bundle would be): the committed default model, or random weights of a built-in
// architecture. The engine then maps its weights from that file, as it does for a user's model.
class BenchBundleFile {
public:
    BenchBundleFile(const std::string& architecture, at::ScalarType dtype)
        : path_(std::filesystem::temp_directory_path() / ("facemix-bench-" + std::to_string(::getpid()) + "-" + architecture + ".safetensors")) {
        const ModelBundle bundle = architecture == "default" ? read_bundle(default_model_path())
                                                             : random_bundle(face_mixer_manifest(architecture), 0);
        write_bundle(path_, bundle, stored_dtype(dtype));
    }
    ~BenchBundleFile() {
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
    }
    BenchBundleFile(const BenchBundleFile&) = delete;
    BenchBundleFile& operator=(const BenchBundleFile&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// The networks one by one on the shapes a cell needs: the encoder on one photo, the UNet on the CFG
// pair, the VAE decoder on one latent.
// The engine's own networks, already on the target, one call at a time.
void time_networks(const MixEngine& engine, std::int64_t resolution, Measurement& m) {
    at::NoGradGuard no_grad;
    const ModelManifest& manifest = engine.manifest();
    const ModelNetworks& networks = engine.networks();
    const ComputeTarget& target = engine.target();
    const auto options = at::TensorOptions().device(target.device);
    const std::int64_t factor = manifest.vae ? std::int64_t{1} << (manifest.vae->levels() - 1) : 1;
    const std::int64_t side = resolution / factor;
    const at::Tensor latents = at::randn({2, manifest.unet->in_channels, side, side}, options);
    const at::Tensor context =
        at::randn({2, static_cast<std::int64_t>(manifest.conditioning.tokens.size()), manifest.unet->context_dim}, options);
    const at::Tensor t = at::full({1}, 500.0, options);
    m.unet = warm_time(target, [&] { (void)networks.unet->forward(latents, t, context); });
    if (target.device.is_cpu() && at::get_num_threads() > 1) {  // the reference for the engine's thread choice
        const OneIntraOpThread one_thread;
        m.unet_one_thread = warm_time(target, [&] { (void)networks.unet->forward(latents, t, context); });
    }
    if (target.device.is_cpu()) {  // the reference for the engine's weight streaming: the other choice
        UNet& unet = *networks.unet;
        const bool streams = unet.weight_streaming();
        unet.set_weight_streaming(!streams);
        m.unet_other_residency = warm_time(target, [&] { (void)unet.forward(latents, t, context); });
        unet.set_weight_streaming(streams);
    }
    if (networks.encoder) {
        const at::Tensor photo = at::rand({1, 3, manifest.encoder->image_size, manifest.encoder->image_size}, options) * 2 - 1;
        m.encoder = warm_time(target, [&] { (void)networks.encoder->encode_image(photo); });
    }
    if (networks.vae) {
        const at::Tensor one = latents.slice(0, 0, 1);
        m.vae = warm_time(target, [&] { (void)networks.vae->decode(one); });
    }
}

// A CPU figure means little when LibTorch's matrix products run another library's gemm.
void print_blas_binding() {
    const BlasBinding binding = sgemm_binding();
    if (binding.bound_to_libtorch)
        std::printf("  matrix products: LibTorch's own BLAS (%s)\n", binding.library.c_str());
    else if (binding.libtorch_has_blas)
        std::printf("  matrix products: %s, not LibTorch's own BLAS: Linear layers run that library's gemm\n",
                    binding.library.empty() ? "an unknown library" : binding.library.c_str());
}

// The same grid through diffusers' image-variations pipeline in this run (tools/goldens/
// bench_mix_diffusers.py): the ratio issue 13 sets its GPU goal in (>= 1.5x diffusers' eager fp16 at 512 px,
// one cell and a batch). Only for SD v1 sizes and DDIM, which the pipeline runs as facemix does.
void print_diffusers_reference(const BenchMixArguments& args, const ComputeTarget& target, const std::string& precision,
                               std::int64_t resolution, double cfg_scale, const Measurement& m) {
    if (args.sampler != "ddim") {
        std::printf("  diffusers reference: runs DDIM only, not %s\n", args.sampler.c_str());
        return;
    }
    char arguments[256];
    std::snprintf(arguments, sizeof arguments, "--device %s --dtype %s --resolution %lld --steps %lld --cells %d --guidance %g",
                  target.device.str().c_str(), precision.c_str(), static_cast<long long>(resolution), static_cast<long long>(args.steps),
                  args.cells, cfg_scale);
    const auto reference = run_reference_script("bench_mix_diffusers.py", arguments);
    if (!reference || !reference->contains("first_cell_s") || !reference->contains("batched_cells_per_min")) {
        std::printf("  diffusers reference: not available (needs diffusers and transformers in the facemix venv)\n");
        return;
    }
    const double first = reference->at("first_cell_s").get<double>();
    const double per_min = reference->at("batched_cells_per_min").get<double>();
    std::printf("  diffusers image-variations (torch %s, diffusers %s): first cell %.2f s   %.2f cells/min batched by %d\n",
                reference->value("torch", "?").c_str(), reference->value("diffusers", "?").c_str(), first, per_min, args.cells);
    std::printf("  facemix vs diffusers (>1: facemix faster): first cell %.2fx, cells/min %.2fx\n", first / m.first_cell_s,
                m.batched_cells_per_min / per_min);
}

Measurement bench_precision(const BenchMixArguments& args, const std::string& architecture, const std::string& precision) {
    const ComputeTarget target = resolve_compute_target(args.device, precision, args.weight_memory);
    Measurement m;
    const BenchBundleFile file(architecture, target.dtype);
    reset_peak_resident();  // from here on: the model read from its file, the engine and its work

    const auto load_start = std::chrono::steady_clock::now();
    MixEngine engine(read_bundle(file.path()), architecture, target);
    m.load_s = seconds_since(load_start);
    m.load_peak_gib = peak_resident_gib();
    reset_peak_resident();
    const std::int64_t resolution = architecture == "sd-v1" ? args.resolution : engine.manifest().native_resolution;

    MixJob job;
    const int side = static_cast<int>(std::max<std::int64_t>(1, args.cells));
    job.faces = random_sources("face", side, 256, 1);
    job.backgrounds = random_sources("background", side, 256, 2);
    job.settings.sampler = args.sampler;
    job.settings.steps = args.steps;
    job.settings.resolution = resolution;
    // A diagonal: every cell has its own face and background, so each embeds like a fresh grid cell.
    for (int k = 0; k < args.cells; ++k) job.cells.push_back({.row = static_cast<std::size_t>(k),
                                                             .column = static_cast<std::size_t>(k),
                                                             .face = {.from = static_cast<std::size_t>(k)},
                                                             .background = {.from = static_cast<std::size_t>(k)},
                                                             .seed = static_cast<std::uint64_t>(k)});

    // What a user waits for after pressing Mix on a fresh engine: embeddings, sampling and decoding.
    MixJob first = job;
    first.cells.resize(1);
    m.first_cell_s = time_job(engine, first).first_cell_seconds;

    job.batch_cells = static_cast<std::size_t>(args.cells);
    const JobTiming batched = time_job(engine, job);
    m.batched_cells_per_min = 60.0 * args.cells / batched.seconds;
    if (args.cells > 1) {
        job.batch_cells = 1;
        const JobTiming single = time_job(engine, job);
        m.single_cells_per_min = 60.0 * args.cells / single.seconds;
        m.step_in_job_ms = 1000.0 * single.stats.loop_seconds / static_cast<double>(single.stats.unet_calls);
    } else {
        m.step_in_job_ms = 1000.0 * batched.stats.loop_seconds / static_cast<double>(batched.stats.unet_calls);
    }
    // What a user's jobs need; timing the networks bare afterwards reads every one of them at once.
    m.jobs_peak_gib = peak_resident_gib();
    time_networks(engine, resolution, m);

    std::printf("%s, %lld px, %s, %lld %s steps, %s, %d CPU threads%s\n", architecture.c_str(),
                static_cast<long long>(resolution), precision.c_str(), static_cast<long long>(args.steps), args.sampler.c_str(),
                engine.target().description().c_str(), at::get_num_threads(),
                target.device.is_cpu() && target.dtype == at::kBFloat16
                    ? (cpu_computes_bf16_natively() ? " (bf16 computed natively)" : " (bf16 weights, fp32 arithmetic: no native bf16 here)")
                    : "");
    if (target.device.is_cpu()) print_blas_binding();
    std::printf("  load %.2f s   first cell %.2f s   %.2f cells/min batched by %d", m.load_s, m.first_cell_s,
                m.batched_cells_per_min, args.cells);
    if (args.cells > 1) std::printf("   %.2f cells/min one at a time", m.single_cells_per_min);
    std::printf("\n  encoder %.1f ms per photo   UNet %.1f ms per CFG pair (%.1f ms per step inside a job)   VAE decode %.1f ms\n",
                m.encoder.wall_ms, m.unet.wall_ms, m.step_in_job_ms, m.vae.wall_ms);
    if (target.device.is_cpu())
        std::printf("  CPU time: encoder %.1f ms   UNet %.1f ms   VAE decode %.1f ms\n", m.encoder.cpu_ms, m.unet.cpu_ms, m.vae.cpu_ms);
    if (m.unet_one_thread.wall_ms > 0)
        std::printf("  UNet on 1 thread %.1f ms per CFG pair: %.2fx the speed on %d; jobs of this model run on %s\n",
                    m.unet_one_thread.wall_ms, m.unet.wall_ms / m.unet_one_thread.wall_ms, at::get_num_threads(),
                    engine.runs_on_one_thread() ? "1 thread" : "every thread");
    if (m.unet_other_residency.wall_ms > 0) {
        const bool streams = engine.networks().unet->weight_streaming();
        const double streamed = streams ? m.unet.wall_ms : m.unet_other_residency.wall_ms;
        const double resident = streams ? m.unet_other_residency.wall_ms : m.unet.wall_ms;
        std::printf("  UNet with its weights streamed from the file %.1f ms, resident %.1f ms per CFG pair (%.2fx); jobs of this model %s\n",
                    streamed, resident, streamed / resident, streams ? "stream them" : "keep them resident");
    }
    print_peak(m, peak_goal_gb(architecture, resolution, precision, target), precision, engine.target().residency);
    if (args.vs_diffusers && architecture == "sd-v1") print_diffusers_reference(args, target, precision, resolution, job.settings.cfg_scale, m);
    if (args.vs_diffusers && architecture != "sd-v1") std::printf("  diffusers reference: SD v1 only, not %s\n", architecture.c_str());
    std::fflush(stdout);  // one table at a time, also into a pipe
    return m;
}

void print_ratios(const std::map<std::string, Measurement>& by_precision) {
    const auto fp32 = by_precision.find("fp32");
    if (fp32 == by_precision.end()) return;
    const Measurement& base = fp32->second;
    for (const auto& [precision, m] : by_precision) {
        if (precision == "fp32") continue;
        const auto speedup = [](double reference, double value) { return value > 0 ? reference / value : 0.0; };
        std::printf("  %s vs fp32 speed-up: first cell %.2fx, cells/min %.2fx; peak memory %.2fx\n", precision.c_str(),
                    speedup(base.first_cell_s, m.first_cell_s), m.batched_cells_per_min / base.batched_cells_per_min,
                    m.peak_gib() / base.peak_gib());
        // The goal: every network faster in bf16 than in fp32 on a CPU that computes bf16 natively.
        // Judged by wall time, what a user waits for; the CPU-time ratio beside it tells a real
        // difference from a change in the machine's load between the two runs.
        std::printf("  %s / fp32 time per network:", precision.c_str());
        std::vector<std::string> slower;
        for (const auto& [network, reference, value] : {std::tuple{"encoder", base.encoder, m.encoder},
                                                        std::tuple{"UNet", base.unet, m.unet},
                                                        std::tuple{"VAE decode", base.vae, m.vae}}) {
            if (reference.wall_ms <= 0 || value.wall_ms <= 0) continue;
            std::printf(" %s %.2f (CPU time %.2f)", network, value.wall_ms / reference.wall_ms,
                        reference.cpu_ms > 0 ? value.cpu_ms / reference.cpu_ms : 0.0);
            if (value.wall_ms >= reference.wall_ms) slower.push_back(network);
        }
        if (slower.empty()) {
            std::printf("; every network faster than in fp32\n");
            continue;
        }
        std::printf("; not faster than in fp32:");
        for (std::size_t k = 0; k < slower.size(); ++k) std::printf("%s %s", k ? "," : "", slower[k].c_str());
        std::printf("\n");
    }
}

}  // namespace

void add_bench_mix(CLI::App& bench, int& exit_code) {
    auto args = std::make_shared<BenchMixArguments>();
    CLI::App* command = bench.add_subcommand(
        "mix", "A face-by-background job at each precision: first-cell latency, cells per minute, time per network, peak memory");
    command->add_option("--arch", args->architectures, "default (the bundled model), tiny and/or sd-v1 (random weights)")
        ->check(CLI::IsMember({"default", "tiny", "sd-v1"}))
        ->capture_default_str();
    command->add_option("--precision", args->precisions, "fp32, bf16 and/or fp16 (CUDA)")
        ->check(CLI::IsMember({"fp32", "bf16", "fp16"}))
        ->capture_default_str();
    command->add_option("--resolution", args->resolution, "Output size for sd-v1")->check(CLI::Range(64, 1024))->capture_default_str();
    command->add_option("--steps", args->steps, "Denoising steps")->check(CLI::Range(1, 1000))->capture_default_str();
    command->add_option("--cells", args->cells, "Cells per job, each with its own face and background")
        ->check(CLI::Range(1, 64))
        ->capture_default_str();
    command->add_option("--threads", args->threads, "CPU threads (0: LibTorch's choice)")->check(CLI::Range(0, 256));
    command->add_option("--sampler", args->sampler, "Sampler")->capture_default_str();
    command->add_option("--device", args->device, "auto, cpu, cuda or cuda:N")->capture_default_str();
    command->add_option("--weight-memory", args->weight_memory, "CPU weights: auto, resident or streamed (as for mix)")
        ->check(CLI::IsMember(weight_residency_names()))
        ->capture_default_str();
    command->add_flag("--vs-diffusers", args->vs_diffusers,
                      "For sd-v1: run the same grid through diffusers' image-variations pipeline in this run and print the ratio");
    command->callback([args, &exit_code] {
        if (args->threads > 0) at::set_num_threads(args->threads);
        for (const auto& architecture : args->architectures) {
            std::map<std::string, Measurement> by_precision;
            for (const auto& precision : args->precisions)
                by_precision[precision] = bench_precision(*args, architecture, precision);
            print_ratios(by_precision);
        }
        exit_code = kExitOk;
    });
}

}  // namespace facemix::cli
