#include "bundle/importers.h"

#include "common/error.h"
#include "io/json_error.h"
#include "io/json_integer.h"
#include "io/weight_file.h"
#include "nn/clip_names_hf.h"

#include <fstream>

#include <nlohmann/json.hpp>

namespace facemix {
namespace {

nlohmann::json read_json(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) throw InputError(path.string() + ": cannot be read");
    try {
        return nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception&) {
        throw InputError(path.string() + ": not valid JSON");
    }
}

// diffusers stores each component's weights under a few possible names; safetensors is preferred
// because it is read without any unpickling.
std::filesystem::path component_weights(const std::filesystem::path& folder, const std::vector<std::string>& stems) {
    for (const auto& stem : stems)
        for (const char* extension : {".safetensors", ".fp16.safetensors", ".bin", ".fp16.bin"})
            if (std::filesystem::is_regular_file(folder / (stem + extension))) return folder / (stem + extension);
    throw InputError(folder.string() + " has no weight file (" + stems.front() + ".safetensors or .bin)");
}

bool recognises_diffusers_folder(ModelSource& source) {
    const auto& p = source.path();
    return source.is_folder() && (std::filesystem::is_regular_file(p / "unet" / "config.json") ||
                                  std::filesystem::is_regular_file(p / "image_encoder" / "config.json"));
}

NoiseSchedule schedule_from(const std::filesystem::path& config_path) {
    NoiseSchedule schedule;
    if (!std::filesystem::is_regular_file(config_path)) return schedule;
    const auto json = read_json(config_path);
    schedule.beta_start = json.value("beta_start", schedule.beta_start);
    schedule.beta_end = json.value("beta_end", schedule.beta_end);
    schedule.beta_schedule = json.value("beta_schedule", schedule.beta_schedule);
    schedule.train_timesteps = json_whole_number<std::int64_t>(json, "num_train_timesteps", config_path.string(), 1, 100'000,
                                                               schedule.train_timesteps);
    schedule.prediction = json.value("prediction_type", schedule.prediction);
    return schedule;
}

ModelBundle read_folder(const std::filesystem::path& root, ModelSource& source, const ImportOptions& options) {
    ModelBundle bundle;
    ModelManifest& m = bundle.manifest;
    if (std::filesystem::is_regular_file(root / "unet" / "config.json")) {
        const auto config_path = root / "unet" / "config.json";
        m.unet = UNetConfig::from_diffusers_config(read_json(config_path), config_path.string());
        bundle.unet = read_weight_file(component_weights(root / "unet", {"diffusion_pytorch_model"}));
    }
    if (std::filesystem::is_regular_file(root / "vae" / "config.json")) {
        const auto config_path = root / "vae" / "config.json";
        m.vae = AutoencoderKLConfig::from_diffusers_config(read_json(config_path), config_path.string());
        bundle.vae = read_weight_file(component_weights(root / "vae", {"diffusion_pytorch_model"}));
    }
    if (std::filesystem::is_regular_file(root / "image_encoder" / "config.json")) {
        const auto config_path = root / "image_encoder" / "config.json";
        const auto weights_path = component_weights(root / "image_encoder", {"model", "pytorch_model"});
        bundle.encoder = clip_vision_weights_from_hf(read_weight_file(weights_path));
        const auto json = read_json(config_path);
        // transformers' config names the head count; the shapes give the width, hence the head width.
        const std::int64_t width = bundle.encoder.count("vision_model.post_layernorm.weight")
                                       ? bundle.encoder.at("vision_model.post_layernorm.weight").size(0)
                                       : 0;
        const auto heads = json_whole_number<std::int64_t>(json, "num_attention_heads", config_path.string(), 1, 4096, 0);
        const std::int64_t head_width = heads > 0 && width % heads == 0 ? width / heads : options.clip_head_width;
        ClipVisionConfig config = infer_clip_vision_config(bundle.encoder, weights_path.string(), head_width);
        config.activation = json.value("hidden_act", "quick_gelu") == "gelu" ? ClipActivation::Gelu : ClipActivation::QuickGelu;
        config.layer_norm_eps = json.value("layer_norm_eps", config.layer_norm_eps);
        if (options.clip_activation) config.activation = *options.clip_activation;
        config.validate();
        m.encoder = config;
    }
    m.schedule = schedule_from(root / "scheduler" / "scheduler_config.json");
    if (m.unet && m.vae) {
        const auto unet_path = root / "unet" / "config.json";
        const auto latent_size = json_whole_number<std::int64_t>(read_json(unet_path), "sample_size", unet_path.string(), 1, 1024, 64);
        m.native_resolution = latent_size << (m.vae->levels() - 1);
    }
    // sd-image-variations conditions on one CLIP image embedding of the whole picture.
    m.conditioning.tokens = tokens_or(options, {"image"});
    m.provenance = provenance_for(source, "diffusers");
    return bundle;
}

// A config value of the wrong type (a string for "beta_start") throws from nlohmann's value().
ModelBundle import_diffusers_folder(ModelSource& source, const ImportOptions& options) {
    try {
        return read_folder(source.path(), source, options);
    } catch (const nlohmann::json::exception& error) {
        throw InputError(source.path().string() + " holds a malformed config (" + json_error_words(error) + ").");
    }
}

}  // namespace

const ModelImporter kDiffusersFolderImporter{"diffusers", "a diffusers folder (unet/, vae/, image_encoder/)", recognises_diffusers_folder, import_diffusers_folder};

}  // namespace facemix
