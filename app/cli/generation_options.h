#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "mix/mix_engine.h"
#include "mix/mix_job.h"

namespace facemix::cli {

// The flags every generating command shares (mix, interpolate, edit), in stable-diffusion.cpp's style.
struct GenerationArguments {
    std::string model;
    std::string sampler = "ddim";
    std::int64_t steps = 30;
    double cfg_scale = 3.0;
    std::optional<double> face_scale;
    std::optional<double> background_scale;
    double eta = 0.0;
    std::uint64_t seed = 0;
    std::int64_t resolution = 0;
    std::vector<double> token_weights;
    std::string device = "auto";
    std::string precision = "auto";
    std::string weight_memory = "auto";  // a WeightResidency name
    std::size_t batch = 4;
    bool aligned = false;  // inputs are already aligned faces
};

void add_generation_options(CLI::App& command, GenerationArguments& args);

SamplingSettings sampling_settings(const GenerationArguments& args);

// Opens the model in any supported format on the requested device, printing what it loaded, and puts
// it first in the recent-models list (bundle/recent_models.h) with its hash, for `facemix replay`.
std::unique_ptr<MixEngine> open_engine(const GenerationArguments& args);
// The same for a model already loaded from `path`.
std::unique_ptr<MixEngine> open_engine(const ModelBundle& bundle, const std::filesystem::path& path, const GenerationArguments& args);

// Photos as sources: "photo.jpg" is its largest face, "photo.jpg#2" its second largest; with
// --aligned the file itself is the aligned face. A photo that cannot be used is reported on stderr and
// left out (counted in `failures`).
std::vector<MixSource> load_sources(const std::vector<std::string>& specs, bool aligned, std::size_t& failures);

// Every face × background cell of the command's photos with its generation settings (batch, token
// weights); photos that cannot be used are reported and counted, none usable on a side is an InputError.
MixJob grid_job(const GenerationArguments& args, const std::vector<std::string>& faces,
                const std::vector<std::string>& backgrounds, SeedPolicy policy, std::size_t& failures);

}  // namespace facemix::cli
