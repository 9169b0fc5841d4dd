#include "cli/generation_options.h"

#include <iostream>

#include "bundle/default_model.h"
#include "bundle/model_importer.h"
#include "bundle/recent_models.h"
#include "common/error.h"
#include "diffusion/sampler.h"
#include "mix/source_loader.h"

namespace facemix::cli {

void add_generation_options(CLI::App& command, GenerationArguments& args) {
    command.add_option("-m,--model", args.model,
                       "Model: a facemix bundle, an LDM .ckpt/.safetensors or a diffusers folder (default: the bundled "
                       "synthetic-face model, models/default/)");
    std::string samplers;
    for (const auto& name : sampler_names()) samplers += (samplers.empty() ? "" : ", ") + name;
    command.add_option("--sampler", args.sampler, "Sampler: " + samplers)->capture_default_str();
    command.add_option("--steps", args.steps, "Denoising steps")->capture_default_str();
    command.add_option("--cfg-scale", args.cfg_scale, "Classifier-free guidance scale over all tokens")->capture_default_str();
    command.add_option("--face-scale", args.face_scale, "Guide the face token separately with this scale");
    command.add_option("--background-scale", args.background_scale, "Guide the background token separately with this scale");
    command.add_option("--eta", args.eta, "DDIM eta (0 = deterministic)")->capture_default_str();
    command.add_option("--seed", args.seed, "Seed of the first cell")->capture_default_str();
    command.add_option("--resolution", args.resolution, "Output size in pixels (default: the model's native size)");
    command.add_option("--token-weights", args.token_weights, "One weight per condition token (e.g. 1 0.8)");
    command.add_option("--device", args.device, "auto, cpu, cuda or cuda:N")->capture_default_str();
    command.add_option("--precision", args.precision, "auto, fp32, fp16 (CUDA) or bf16")->capture_default_str();
    command
        .add_option("--weight-memory", args.weight_memory,
                    "CPU: resident (weights read once, fastest), streamed (read again for each call, least memory) or "
                    "auto (streamed only when memory is short)")
        ->check(CLI::IsMember(weight_residency_names()))
        ->capture_default_str();
    command.add_option("--batch", args.batch, "Cells sampled together per UNet call")->capture_default_str()->check(CLI::Range(1, 64));
    command.add_flag("--aligned", args.aligned, "The input images are already aligned faces (skip detection)");
}

SamplingSettings sampling_settings(const GenerationArguments& args) {
    SamplingSettings settings;
    settings.sampler = args.sampler;
    settings.steps = args.steps;
    settings.eta = args.eta;
    settings.cfg_scale = args.cfg_scale;
    settings.face_scale = args.face_scale;
    settings.background_scale = args.background_scale;
    settings.resolution = args.resolution;
    return settings;
}

std::unique_ptr<MixEngine> open_engine(const GenerationArguments& args) {
    resolve_compute_target(args.device, args.precision, args.weight_memory);  // a bad device flag fails before a model is loaded
    const std::filesystem::path path = args.model.empty() ? default_model_path() : std::filesystem::path(args.model);
    return open_engine(import_model(path), path, args);
}

std::unique_ptr<MixEngine> open_engine(const ModelBundle& bundle, const std::filesystem::path& path, const GenerationArguments& args) {
    const ComputeTarget target = resolve_compute_target(args.device, args.precision, args.weight_memory);
    auto engine = std::make_unique<MixEngine>(bundle, path.filename().string(), target);
    std::cerr << "model " << path.filename().string() << " (hash " << engine->model_hash().substr(0, 10) << ") on "
              << engine->target().description() << "\n";
    remember_model(path, engine->model_hash());
    return engine;
}

std::vector<MixSource> load_sources(const std::vector<std::string>& specs, bool aligned, std::size_t& failures) {
    SourceLoader loader(aligned);
    std::vector<MixSource> sources;
    for (const auto& text : specs) {
        try {
            sources.push_back(loader.load(text));
        } catch (const InputError& error) {
            std::cerr << "facemix: " << error.what() << "\n";
            ++failures;
        }
    }
    return sources;
}

MixJob grid_job(const GenerationArguments& args, const std::vector<std::string>& faces,
                const std::vector<std::string>& backgrounds, SeedPolicy policy, std::size_t& failures) {
    MixJob job;
    job.faces = load_sources(faces, args.aligned, failures);
    job.backgrounds = load_sources(backgrounds, args.aligned, failures);
    if (job.faces.empty()) throw InputError("None of the face photos can be used.");
    if (job.backgrounds.empty()) throw InputError("None of the background photos can be used.");
    job.settings = sampling_settings(args);
    job.token_weights = args.token_weights;
    job.batch_cells = args.batch;
    job.cells = grid_cells(job.faces.size(), job.backgrounds.size(), args.seed, policy);
    return job;
}

}  // namespace facemix::cli
