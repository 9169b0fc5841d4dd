#include "cli/bench.h"
#include "cli/bench_support.h"

#include "nn/autoencoder_kl.h"
#include "nn/clip_vision.h"
#include "nn/sd_v1_presets.h"
#include "nn/unet.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

namespace facemix::cli {
namespace {

struct BenchUNetArguments {
    int runs = 3;
    std::string dtype = "fp32";
    bool channels_last = false;  // diffusers' reference only: facemix's UNet runs channels-last on the CPU itself
    bool reference = true;
    bool full_model = true;
};

int run_bench_unet(const BenchUNetArguments& args) {
    const at::ScalarType dtype = args.dtype == "bf16" ? at::kBFloat16 : at::kFloat;
    at::InferenceMode inference;
    at::manual_seed(0);

    UNet unet(sd_v1_unet_config());
    unet.to(dtype);
    unet.eval();
    std::printf("SD v1 UNet, random weights, %s, %d threads, batch 2 (the CFG pair), 2 condition tokens\n", args.dtype.c_str(),
                at::get_num_threads());

    const at::Tensor context = at::randn({2, 2, 768}).to(dtype);
    const at::Tensor timesteps = at::full({2}, 500.0);
    std::vector<std::pair<int, double>> ours;
    for (const int latent : {64, 32}) {
        const at::Tensor latents = at::randn({2, 4, latent, latent}).to(dtype);
        const double ms = median_ms(args.runs, [&] { (void)unet.forward(latents, timesteps, context); });
        ours.emplace_back(latent * 8, ms);
        std::printf("  facemix   %4d px (latent %2d): %9.1f ms per forward   peak RSS %.2f GiB\n", latent * 8, latent, ms,
                    peak_resident_gib());
    }

    if (args.reference) {
        // The same forward in diffusers' UNet2DConditionModel on the same torch; the ratio is only
        // meaningful when both run in this machine's conditions, so it runs right here.
        const std::string arguments = "--runs " + std::to_string(args.runs) + " --dtype " + args.dtype +
                                      (args.channels_last ? " --channels-last" : "");
        if (const auto reference = run_reference_script("bench_unet_diffusers.py", arguments)) {
            for (const auto& [pixels, ms] : ours) {
                const std::string key = "res" + std::to_string(pixels) + "_ms";
                if (!reference->contains(key)) continue;
                const double theirs = reference->at(key).get<double>();
                std::printf("  diffusers %4d px            : %9.1f ms per forward   ratio diffusers/facemix = %.2f (>1: facemix faster)\n",
                            pixels, theirs, theirs / ms);
            }
            std::printf("  (diffusers on torch %s)\n", reference->value("torch", "?").c_str());
        } else {
            std::printf("  diffusers reference: not available (needs Python with diffusers in the facemix venv)\n");
        }
    }

    if (args.full_model) {
        // Everything a 512 px mix holds at once: UNet + autoencoder + CLIP ViT-L/14, one denoising
        // step, a decode and the two embeddings.
        AutoencoderKL vae(sd_v1_vae_config());
        ClipVisionModel encoder(ClipVisionConfig::vit_l_14());
        vae.to(dtype);
        encoder.to(dtype);
        vae.eval();
        encoder.eval();
        const at::Tensor aligned = at::rand({2, 3, 512, 512}).mul(2).sub(1).to(dtype);
        const auto start = std::chrono::steady_clock::now();
        const at::Tensor tokens = encoder.encode_image(aligned).reshape({1, 2, -1}).expand({2, 2, 768}).contiguous();
        const at::Tensor eps = unet.forward(at::randn({2, 4, 64, 64}).to(dtype), timesteps, tokens);
        const at::Tensor image = vae.decode(eps.narrow(0, 0, 1));
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        std::printf("  full model (UNet + VAE + CLIP ViT-L/14) at 512 px: embed + 1 step + decode %.1f ms, peak RSS %.2f GiB "
                    "(target <= 6 GB)\n",
                    ms, peak_resident_gib());
        (void)image;
    }
    return kExitOk;
}

}  // namespace

void add_bench_unet(CLI::App& bench, int& exit_code) {
    auto args = std::make_shared<BenchUNetArguments>();
    CLI::App* command = bench.add_subcommand("unet", "Time a full-size SD v1 UNet forward (random weights) at 512 and 256 px against diffusers");
    command->add_option("--runs", args->runs, "Timed runs after one warm-up (median reported)")->check(CLI::Range(1, 50))->capture_default_str();
    command->add_option("--dtype", args->dtype, "fp32 or bf16")->check(CLI::IsMember({"fp32", "bf16"}))->capture_default_str();
    command->add_flag("--channels-last", args->channels_last,
                      "Run diffusers' reference with channels-last weights and latents (facemix's UNet carries channels-last "
                      "activations on the CPU whatever this says)");
    command->add_flag("!--no-reference", args->reference, "Skip the diffusers comparison");
    command->add_flag("!--no-full-model", args->full_model, "Skip the UNet + VAE + CLIP memory measurement");
    command->callback([args, &exit_code] { exit_code = run_bench_unet(*args); });
}

}  // namespace facemix::cli
