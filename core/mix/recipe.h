#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "mix/sampling_settings.h"

namespace facemix {

// One source image as a recipe names it: the photo (by name for people, by hash for machines), which
// face in it, and the hash of the aligned pixels the encoder saw.
struct SourceRecord {
    std::string file;
    std::string image_hash;
    int face_index = 0;
    std::string aligned_hash;
    // A person given by several photos: this photo's share of the mean (relative), and the others.
    double weight = 1.0;
    std::vector<SourceRecord> same_person{};

    friend bool operator==(const SourceRecord&, const SourceRecord&) = default;
};

// Where a token group's embedding came from: one source, or a point between two (interpolation).
struct BlendRecord {
    std::vector<SourceRecord> sources;  // one, or two with t the position from the first to the second
    double t = 0.0;
    std::string method = "slerp";

    friend bool operator==(const BlendRecord&, const BlendRecord&) = default;
};

// Everything that made one generated image. Stored as JSON in the image's "facemix" PNG chunk; the
// condition tokens themselves are in it, so the PNG and the model alone regenerate the pixels.
struct Recipe {
    static constexpr int kFormatVersion = 1;

    std::string facemix_version;
    std::string torch_version;
    std::string model_name;
    std::string model_hash;
    BlendRecord face;
    BlendRecord background;
    std::vector<double> token_weights;  // one per token
    std::uint64_t seed = 0;
    SamplingSettings settings;
    std::optional<SourceRecord> init;  // SDEdit's start photo
    std::vector<std::string> token_names;
    std::vector<float> condition;  // token_names.size() × width, row-major, after blending and weights
    std::string device;
    std::string precision;
    // How many cells shared the UNet batch. GPU kernels are chosen per batch shape, so on CUDA a cell's
    // last bits depend on it; replay rebuilds a batch of this size to reproduce them exactly.
    std::size_t batch_cells = 1;

    friend bool operator==(const Recipe&, const Recipe&) = default;
};

nlohmann::json recipe_to_json(const Recipe& recipe);
// Throws InputError naming `what` when the JSON is not a facemix recipe of a version this build reads.
Recipe recipe_from_json(const nlohmann::json& json, const std::string& what);
// The recipe among a PNG file's text chunks (io/png_file.h's parse_png_text): the JSON under "facemix".
// Throws InputError naming `what` when there is none, or it is not JSON or not a recipe.
Recipe recipe_from_png_texts(const std::map<std::string, std::string>& texts, const std::string& what);

// The A1111-style "parameters" text other tools show: a first line naming the sources, then
// "Steps: 30, Sampler: DDIM, CFG scale: 3, Seed: …, Size: 512x512, Model hash: …, Model: …".
std::string a1111_parameters(const Recipe& recipe, std::int64_t resolution);

}  // namespace facemix
