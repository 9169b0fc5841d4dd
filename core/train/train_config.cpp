#include "train/train_config.h"

#include <concepts>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "bundle/random_bundle.h"
#include "common/error.h"
#include "io/json_error.h"
#include "io/json_integer.h"

namespace facemix {
namespace {

const char* const kPresetNames = "tiny-pixel, real64-descriptor, real64-encoder";

std::set<std::string> known_keys() {
    return {"architecture", "steps",        "batch",          "grad_accumulation", "lr",           "warmup",
            "lr_schedule",  "max_grad_norm", "weight_decay", "ema_decay",    "cond_dropout",   "face_dropout",      "background_dropout",
            "flip",         "retrieval_p",  "holdout_identities", "sample_every",  "sample_steps",
            "checkpoint_every", "seed"};
}

std::optional<ModelManifest> preset_architecture(const std::string& name) {
    if (name == "tiny-pixel") return tiny_pixel_manifest();
    if (name == "real64-descriptor") return real_pixel_manifest(true);
    if (name == "real64-encoder") return real_pixel_manifest(false);
    return std::nullopt;
}

// The recipe of the real-photo presets: per-condition dropout (each token alone and both, 10% each, so
// face and background guidance each have a model that saw the other token alone), flips, retrieval.
TrainConfig real_photo_config(bool face_from_descriptor) {
    TrainConfig config;
    config.architecture = real_pixel_manifest(face_from_descriptor);
    config.batch = 16;
    config.lr = 1e-3;
    config.warmup = 200;
    config.cond_dropout = 0.1;
    config.face_dropout = 0.1;
    config.background_dropout = 0.1;
    config.flip = true;
    config.retrieval_p = 0.5;
    config.holdout_identities = 0;  // prep's dataset.json names the held-out people
    return config;
}

ModelManifest architecture_from_json(const nlohmann::json& value, const std::string& what) {
    if (value.is_string()) {
        const std::string name = value.get<std::string>();
        if (auto preset = preset_architecture(name)) return *preset;
        throw InputError(what + ": architecture \"" + name + "\" is not a preset (" + kPresetNames +
                         ") and not a manifest object.");
    }
    if (!value.is_object()) throw InputError(what + ": \"architecture\" must be a preset name or a manifest object.");
    return manifest_from_json(value, what + " (architecture)");
}

template <typename T>
void read_field(const nlohmann::json& json, const char* key, T& field, const std::string& what) {
    if (!json.contains(key)) return;
    try {
        if constexpr (std::integral<T> && !std::same_as<T, bool>)
            field = json_integer<T>(json.at(key));
        else
            field = json.at(key).get<T>();
    } catch (const nlohmann::json::exception& error) {
        throw InputError(what + ": \"" + key + "\" has the wrong type (" + json_error_words(error) + ").");
    }
}

void require(bool ok, const std::string& what, const std::string& sentence) {
    if (!ok) throw InputError(what + ": " + sentence);
}

}  // namespace

ModelManifest real_pixel_manifest(bool face_from_descriptor, std::int64_t resolution) {
    ModelManifest manifest = tiny_pixel_manifest(resolution);
    UNetConfig& unet = *manifest.unet;
    unet.block_out_channels = {32, 64, 128};
    unet.layers_per_block = 1;
    // Attention at 16 px only: at 32 px its self-attention over 1024 pixels took 60% of a training step
    // on the CPU (5.0 s against 2.1 s a step of 16, measured on the loaded 2-core machine).
    unet.cross_attention = {false, false, true};
    unet.attention_heads = {2, 2, 4};
    unet.context_dim = 64;
    unet.norm_groups = 8;
    ClipVisionConfig& encoder = *manifest.encoder;
    encoder.image_size = 32;
    encoder.patch_size = 8;
    encoder.width = 64;
    encoder.layers = 2;
    encoder.heads = 2;
    encoder.intermediate_size = 128;
    encoder.projection_dim = 64;
    if (face_from_descriptor) {
        manifest.conditioning.face_token_source = "dlib-descriptor";
        manifest.face_projection = DescriptorProjectionConfig{128, 128, 64};
    }
    manifest.provenance.command = face_from_descriptor ? "architecture real64-descriptor" : "architecture real64-encoder";
    return manifest;
}

ModelManifest tiny_pixel_manifest(std::int64_t resolution) {
    ModelManifest manifest = face_mixer_manifest("tiny");
    manifest.vae.reset();  // pixel space: the UNet denoises the image itself
    manifest.unet->in_channels = 3;
    manifest.unet->out_channels = 3;
    // No transformer at full resolution: at 64 px its self-attention over 4096 pixels costs ~30 s a
    // step on a 2-core CPU; the half-resolution level still cross-attends to the tokens.
    manifest.unet->cross_attention = {false, true};
    // DDPM's linear schedule: the one pixel-space diffusion models are trained with (SD's scaled_linear
    // leaves too little noise at T for images in [-1, 1]).
    manifest.schedule.beta_schedule = "linear";
    manifest.schedule.beta_start = 1e-4;
    manifest.schedule.beta_end = 0.02;
    manifest.schedule.clip_sample = true;
    manifest.native_resolution = resolution;
    manifest.provenance = {"facemix train", "facemix-train", std::string("facemix ") + FACEMIX_VERSION,
                           "architecture tiny-pixel"};
    return manifest;
}

void validate_train_config(const TrainConfig& c, const std::string& what) {
    const ModelManifest& m = c.architecture;
    require(!m.latent_space(), what,
            "the architecture has a VAE; facemix trains latent models only by fine-tuning a bundle "
            "(facemix train --init).");
    require(m.unet.has_value() && m.encoder.has_value(), what, "the architecture needs both a UNet and an encoder.");
    require(m.unet->in_channels == 3 && m.unet->out_channels == 3, what,
            "a pixel-space UNet must have 3 input and 3 output channels.");
    m.unet->validate(what + " (architecture UNet)");
    m.encoder->validate();
    require(m.encoder->projection_dim == m.unet->context_dim, what,
            "the encoder's projection_dim (" + std::to_string(m.encoder->projection_dim) +
                ") must equal the UNet's context_dim (" + std::to_string(m.unet->context_dim) + ").");
    validate_face_token_source(m, what);
    if (m.face_projection) {
        m.face_projection->validate();
        require(m.face_projection->output_dim == m.unet->context_dim && m.face_projection->input_dim == 128, what,
                "the face projection must map dlib's 128-d descriptor to the UNet's context width.");
    }
    require(m.native_resolution >= 0, what, "native_resolution must be 0 (the dataset's) or a size in pixels.");
    const std::int64_t factor = std::int64_t{1} << (m.unet->levels() - 1);
    require(m.native_resolution % factor == 0, what,
            "native_resolution must be a multiple of " + std::to_string(factor) + " for this UNet's levels.");
    require(m.schedule.prediction == "epsilon", what, "only epsilon prediction is trained.");
    validate_train_recipe(c, what);
}

void validate_train_recipe(const TrainConfig& c, const std::string& what) {
    require(c.steps >= 1 && c.steps <= 100'000'000, what, "\"steps\" must be between 1 and 100000000.");
    require(c.batch >= 1 && c.batch <= 4096, what, "\"batch\" must be between 1 and 4096.");
    require(c.grad_accumulation >= 1 && c.grad_accumulation <= 1024, what,
            "\"grad_accumulation\" must be between 1 and 1024.");
    require(c.lr > 0 && c.lr < 1, what, "\"lr\" must be greater than 0 and less than 1.");
    require(c.warmup >= 0, what, "\"warmup\" must not be negative.");
    require(c.lr_schedule == "constant" || c.lr_schedule == "cosine", what,
            "\"lr_schedule\" must be \"constant\" or \"cosine\", not \"" + c.lr_schedule + "\".");
    require(c.max_grad_norm >= 0, what, "\"max_grad_norm\" must be 0 (no clipping) or a positive norm.");
    require(c.weight_decay >= 0 && c.weight_decay < 1, what, "\"weight_decay\" must be in [0, 1).");
    require(c.ema_decay >= 0 && c.ema_decay < 1, what, "\"ema_decay\" must be in [0, 1).");
    require(c.cond_dropout >= 0 && c.cond_dropout <= 1, what, "\"cond_dropout\" must be a probability in [0, 1].");
    require(c.face_dropout >= 0 && c.background_dropout >= 0 && c.cond_dropout + c.face_dropout + c.background_dropout <= 1,
            what, "\"cond_dropout\", \"face_dropout\" and \"background_dropout\" must be probabilities that add up to at most 1.");
    require(c.retrieval_p >= 0 && c.retrieval_p <= 1, what, "\"retrieval_p\" must be a probability in [0, 1].");
    require(c.holdout_identities >= 0, what, "\"holdout_identities\" must not be negative.");
    require(c.sample_every >= 0 && c.checkpoint_every >= 0, what,
            "\"sample_every\" and \"checkpoint_every\" must not be negative.");
    require(c.sample_steps >= 1 && c.sample_steps <= 1000, what, "\"sample_steps\" must be between 1 and 1000.");
}

TrainConfig train_config_from_json(const nlohmann::json& json, const std::string& what) {
    if (!json.is_object()) throw InputError(what + " is not a JSON object of training settings.");
    const auto keys = known_keys();
    for (const auto& item : json.items())
        if (!keys.count(item.key()))
            throw InputError(what + ": \"" + item.key() + "\" is not a training setting (a typo?).");
    TrainConfig config;
    config.architecture = json.contains("architecture") ? architecture_from_json(json.at("architecture"), what)
                                                        : tiny_pixel_manifest();
    read_field(json, "steps", config.steps, what);
    read_field(json, "batch", config.batch, what);
    read_field(json, "grad_accumulation", config.grad_accumulation, what);
    read_field(json, "lr", config.lr, what);
    read_field(json, "warmup", config.warmup, what);
    read_field(json, "lr_schedule", config.lr_schedule, what);
    read_field(json, "max_grad_norm", config.max_grad_norm, what);
    read_field(json, "weight_decay", config.weight_decay, what);
    read_field(json, "ema_decay", config.ema_decay, what);
    read_field(json, "cond_dropout", config.cond_dropout, what);
    read_field(json, "face_dropout", config.face_dropout, what);
    read_field(json, "background_dropout", config.background_dropout, what);
    read_field(json, "flip", config.flip, what);
    read_field(json, "retrieval_p", config.retrieval_p, what);
    read_field(json, "holdout_identities", config.holdout_identities, what);
    read_field(json, "sample_every", config.sample_every, what);
    read_field(json, "sample_steps", config.sample_steps, what);
    read_field(json, "checkpoint_every", config.checkpoint_every, what);
    read_field(json, "seed", config.seed, what);
    validate_train_config(config, what);
    return config;
}

nlohmann::json train_config_to_json(const TrainConfig& c) {
    nlohmann::json json = {{"architecture", manifest_to_json(c.architecture)},
            {"steps", c.steps},
            {"batch", c.batch},
            {"grad_accumulation", c.grad_accumulation},
            {"lr", c.lr},
            {"warmup", c.warmup},
            {"weight_decay", c.weight_decay},
            {"ema_decay", c.ema_decay},
            {"cond_dropout", c.cond_dropout},
            {"retrieval_p", c.retrieval_p},
            {"holdout_identities", c.holdout_identities},
            {"sample_every", c.sample_every},
            {"sample_steps", c.sample_steps},
            {"checkpoint_every", c.checkpoint_every},
            {"seed", c.seed}};
    // Written only when set, so runs started before these settings existed still resume.
    if (c.face_dropout != 0) json["face_dropout"] = c.face_dropout;
    if (c.background_dropout != 0) json["background_dropout"] = c.background_dropout;
    if (c.flip) json["flip"] = true;
    if (c.lr_schedule != "constant") json["lr_schedule"] = c.lr_schedule;
    if (c.max_grad_norm != 0) json["max_grad_norm"] = c.max_grad_norm;
    return json;
}

TrainConfig load_train_config(const std::string& name_or_path) {
    if (name_or_path == "tiny-pixel") {
        TrainConfig config;
        config.architecture = tiny_pixel_manifest();
        return config;
    }
    if (name_or_path == "real64-descriptor" || name_or_path == "real64-encoder")
        return real_photo_config(name_or_path == "real64-descriptor");
    const std::filesystem::path path(name_or_path);
    std::ifstream file(path);
    if (!file)
        throw InputError("Training config \"" + name_or_path + "\" is neither a preset (" + kPresetNames +
                         ") nor a readable JSON file.");
    std::stringstream text;
    text << file.rdbuf();
    nlohmann::json json;
    try {
        json = nlohmann::json::parse(text.str());
    } catch (const nlohmann::json::parse_error& error) {
        throw InputError("Training config " + path.string() + " is not valid JSON (near byte " + std::to_string(error.byte) + ").");
    }
    return train_config_from_json(json, "Training config " + path.string());
}

}  // namespace facemix
