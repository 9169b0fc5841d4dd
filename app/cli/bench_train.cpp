#include "cli/bench.h"
#include "cli/bench_support.h"

#include <cstdio>
#include <memory>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/CachingDeviceAllocator.h>
#include <nlohmann/json.hpp>

#include "bundle/random_bundle.h"
#include "mix/compute_target.h"
#include "nn/sd_v1_presets.h"
#include "nn/unet.h"
#include "train/autocast_scope.h"
#include "train/fused_adamw.h"

namespace facemix::cli {
namespace {

struct BenchTrainArguments {
    int size = 256;
    int batch = 1;
    std::string dtype = "fp32";
    std::string device = "cpu";
    int runs = 3;
    bool reference = true;
    bool tiny = false;
};

// The face mixer conditions on two tokens (face and background), not on a 77-token prompt.
constexpr std::int64_t kConditionTokens = 2;

struct StepMeasurement {
    double step_ms = 0.0;
    double peak_gib = 0.0;
};

double peak_cuda_allocated_gib(const c10::Device& device) {
    const auto stats = c10::getDeviceAllocator(c10::kCUDA)->getDeviceStats(device.index());
    const auto aggregate = static_cast<std::size_t>(c10::CachingAllocator::StatType::AGGREGATE);
    return static_cast<double>(stats.allocated_bytes[aggregate].peak) / (1024.0 * 1024.0 * 1024.0);
}

// One training step as the trainer takes it (forward under autocast for bf16 with fp32 master weights,
// ε-MSE in fp32, backward, the trainer's fused AdamW), timed in this process; everything it holds is freed on return, before
// the reference starts.
StepMeasurement measure_facemix_step(const UNetConfig& config, const BenchTrainArguments& args, const ComputeTarget& target) {
    at::manual_seed(0);
    UNet unet(config);
    unet.to(target.device);
    unet.train();
    FusedAdamW optimizer(unet.parameters(), torch::optim::AdamWOptions(1e-4).weight_decay(1e-2));
    const std::int64_t latent = args.size / 8;
    const auto on_device = at::TensorOptions().device(target.device);
    const at::Tensor latents = at::randn({args.batch, config.in_channels, latent, latent}, on_device);
    const at::Tensor noise = at::randn({args.batch, config.out_channels, latent, latent}, on_device);
    const at::Tensor timesteps = at::randint(1000, {args.batch}, on_device.dtype(at::kLong));
    const at::Tensor context = at::randn({args.batch, kConditionTokens, config.context_dim}, on_device);
    const auto step = [&] {
        at::Tensor predicted;
        {
            const AutocastScope mixed_precision(target);
            predicted = unet.forward(latents, timesteps, context);
        }
        (predicted.to(at::kFloat) - noise).pow(2).mean().backward();
        optimizer.step();
        optimizer.zero_grad();
        synchronize(target);
    };
    StepMeasurement measurement;
    measurement.step_ms = median_ms(args.runs, step);
    measurement.peak_gib = target.device.is_cuda() ? peak_cuda_allocated_gib(target.device) : peak_resident_gib();
    return measurement;
}

std::optional<nlohmann::json> reference_step(const UNetConfig& config, const BenchTrainArguments& args) {
    const std::string arguments = "--unet-config '" + nlohmann::json(config).dump() + "' --latent " + std::to_string(args.size / 8) +
                                  " --batch " + std::to_string(args.batch) + " --tokens " + std::to_string(kConditionTokens) +
                                  " --dtype " + args.dtype + " --device " + args.device + " --runs " + std::to_string(args.runs);
    return run_reference_script("bench_train_diffusers.py", arguments);
}

void print_side(const char* name, double step_ms, int batch, double peak_gib, const char* memory) {
    std::printf("  %-9s %10.1f ms per step  %8.3f images/s   peak %s %.2f GiB\n", name, step_ms, batch * 1000.0 / step_ms, memory,
                peak_gib);
}

int run_bench_train(const BenchTrainArguments& args) {
    const ComputeTarget target = resolve_compute_target(args.device, args.dtype);
    const UNetConfig config = args.tiny ? *face_mixer_manifest("tiny").unet : sd_v1_unet_config();
    const char* memory = target.device.is_cuda() ? "allocated" : "RSS";
    std::printf("%s UNet training step, random weights, %d px (latents %d x %d), batch %d, %lld condition tokens x %lld "
                "(the face mixer's), %s, %s, %d threads; forward + eps-MSE + backward + AdamW, median of %d after a warm-up\n",
                args.tiny ? "Tiny face-mixer" : "SD v1", args.size, args.size / 8, args.size / 8, args.batch,
                static_cast<long long>(kConditionTokens), static_cast<long long>(config.context_dim), args.dtype.c_str(),
                target.device.str().c_str(), at::get_num_threads(), args.runs);

    const StepMeasurement ours = measure_facemix_step(config, args, target);
    print_side("facemix", ours.step_ms, args.batch, ours.peak_gib, memory);
    if (!target.device.is_cuda())
        std::printf("            (max RSS of this process: LibTorch, weights, gradients, AdamW moments, activations)\n");

    if (!args.reference) return kExitOk;
    // The same step in diffusers' UNet2DConditionModel with torch.optim.AdamW on the same torch, in its own
    // process (so its RSS is its own), right after ours so both see this machine's conditions.
    const auto reference = reference_step(config, args);
    if (!reference) {
        std::printf("  PyTorch reference: not available (needs Python with diffusers in the facemix venv)\n");
        return kExitOk;
    }
    const double theirs = reference->at("step_ms").get<double>();
    print_side("PyTorch", theirs, args.batch, reference->at("peak_gib").get<double>(), memory);
    std::printf("            (diffusers %s on torch %s, %d threads, its own Python process)\n",
                reference->value("diffusers", "?").c_str(), reference->value("torch", "?").c_str(),
                reference->value("threads", 0));
    std::printf("  ratio PyTorch/facemix step time = %.2f (>1: facemix faster)\n", theirs / ours.step_ms);
    return kExitOk;
}

}  // namespace

void add_bench_train(CLI::App& bench, int& exit_code) {
    auto args = std::make_shared<BenchTrainArguments>();
    CLI::App* command = bench.add_subcommand(
        "train", "Time one training step of a full-size SD v1 UNet (random weights) against diffusers + torch.optim.AdamW");
    command->add_option("--size", args->size, "Image size in pixels (latents are 1/8)")
        ->check(CLI::IsMember({256, 512}))
        ->capture_default_str();
    command->add_option("--batch", args->batch, "Images per step")->check(CLI::Range(1, 64))->capture_default_str();
    command->add_option("--dtype", args->dtype, "fp32, or bf16 (autocast with fp32 master weights, as the trainer)")
        ->check(CLI::IsMember({"fp32", "bf16"}))
        ->capture_default_str();
    command->add_option("--device", args->device, "cpu or cuda")->check(CLI::IsMember({"cpu", "cuda"}))->capture_default_str();
    command->add_option("--runs", args->runs, "Timed steps after one warm-up (median reported)")
        ->check(CLI::Range(1, 50))
        ->capture_default_str();
    command->add_flag("!--no-reference", args->reference, "Skip the PyTorch comparison");
    command->add_flag("--tiny", args->tiny, "The tiny face-mixer UNet instead of SD v1 (a quick check that the bench works)");
    command->callback([args, &exit_code] { exit_code = run_bench_train(*args); });
}

}  // namespace facemix::cli
