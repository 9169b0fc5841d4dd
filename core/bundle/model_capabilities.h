#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "bundle/model_manifest.h"

namespace facemix {

// What a model was trained on, as far as its file tells: the studio says so beside the model, because a
// model of the synthetic-face domain given real photos draws cartoon faces, and nothing else warns.
enum class ModelDomain {
    SyntheticFaces,  // facemix synth's cartoon faces (the bundled default model)
    RealPhotos,      // a public image mixer / image-variations checkpoint, or facemix train on a photo set
    Unrecorded,      // trained by facemix train on data the file does not name
    Untrained,       // random weights (bundle/random_bundle.h): it draws noise
};

struct ModelCapabilities {
    ModelDomain domain = ModelDomain::Unrecorded;
    std::int64_t native_resolution = 0;  // pixels of its output and of the aligned faces it was trained on
    bool latent = false;                 // through an SD autoencoder (else pixel space)
    bool face_from_descriptor = false;   // the face token is dlib's descriptor through a projection, not the encoder's
    bool separate_guidance = false;      // trained with each token zeroed alone: face and background guidance work
};

// `file` is the model's file or folder, whose name identifies the bundled default model. Heuristic where
// the manifest has no record of the training data: a facemix-train model's command names its data.
ModelCapabilities model_capabilities(const ModelManifest& manifest, const std::filesystem::path& file);

}  // namespace facemix
