#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "align/face_box.h"
#include "diffusion/noise_schedule_config.h"
#include "nn/autoencoder_kl_config.h"
#include "nn/clip_vision_config.h"
#include "nn/descriptor_projection_config.h"
#include "nn/unet_config.h"

namespace facemix {

// How the condition tokens are made: which image part each token embeds, and what stands for "no
// condition" in classifier-free guidance.
struct Conditioning {
    std::vector<std::string> tokens{"face", "background"};  // one name per cross-attention token
    FaceBox face_box;  // the face crop the model was trained with
    double mask_value = 0.0;              // what the background's face box is set to, in [-1, 1]
    std::string unconditional = "zeros"; // the unconditional tokens are all zero
    // Where the "face" token comes from: "encoder" (the image encoder on the face crop) or
    // "dlib-descriptor" (dlib's face-recognition descriptor of the aligned face through the bundle's
    // face_projection network, the pretrained face network of the seed's first models).
    std::string face_token_source = "encoder";
    // How often each token was zeroed alone in training, and both together (the CFG unconditional): a
    // model that saw each token alone supports separate face and background guidance. Recorded by
    // facemix train; all zero when unknown.
    double face_dropout = 0.0, background_dropout = 0.0, both_dropout = 0.0;

    bool face_from_descriptor() const { return face_token_source == "dlib-descriptor"; }

    friend bool operator==(const Conditioning&, const Conditioning&) = default;
};

// Where a bundle came from, so a result can be traced to the weights that made it.
struct Provenance {
    std::string source;         // file or folder name the weights were read from
    std::string source_format;  // importer name: facemix, diffusers, ldm-checkpoint, clip
    std::string converted_by;   // "facemix <version>"
    std::string command;        // the command line or training recipe, when known

    friend bool operator==(const Provenance&, const Provenance&) = default;
};

// Everything about a model except its weights: the JSON stored under the "facemix" metadata key of a
// bundle. A model may lack networks (a CLIP file alone has only an encoder; a pixel-space model has
// no VAE).
struct ModelManifest {
    static constexpr int kFormatVersion = 1;

    std::optional<UNetConfig> unet;
    std::optional<AutoencoderKLConfig> vae;
    std::optional<ClipVisionConfig> encoder;
    std::optional<DescriptorProjectionConfig> face_projection;  // with face_token_source "dlib-descriptor"
    Conditioning conditioning;
    NoiseSchedule schedule;
    std::int64_t native_resolution = 512;  // pixels of the aligned images the model was trained on
    Provenance provenance;

    bool latent_space() const { return vae.has_value(); }

    friend bool operator==(const ModelManifest&, const ModelManifest&) = default;
};

nlohmann::json manifest_to_json(const ModelManifest& manifest);
// Throws InputError naming `what` when the face token source is unknown, or a face projection is
// missing for a descriptor token (or present without one).
void validate_face_token_source(const ModelManifest& manifest, const std::string& what);
// Throws InputError naming `what` for a manifest of another format version or with invalid fields.
ModelManifest manifest_from_json(const nlohmann::json& json, const std::string& what);

}  // namespace facemix
