#include "bundle/model_capabilities.h"

#include "bundle/default_model.h"

namespace facemix {
namespace {

ModelDomain domain_of(const ModelManifest& manifest, const std::filesystem::path& file) {
    if (file.filename() == kDefaultModelFile) return ModelDomain::SyntheticFaces;
    const Provenance& made = manifest.provenance;
    if (made.source_format == "random") return ModelDomain::Untrained;
    // Imported checkpoints are the public image mixers and image-variations models, trained on photos.
    if (made.source_format != "facemix-train") return ModelDomain::RealPhotos;
    // facemix train records its command line; `facemix synth` sets and the real64 configs (for `facemix
    // prep` photo sets) say which data it was.
    if (made.command.find("real64") != std::string::npos) return ModelDomain::RealPhotos;
    if (made.command.find("synth") != std::string::npos) return ModelDomain::SyntheticFaces;
    return ModelDomain::Unrecorded;
}

}  // namespace

ModelCapabilities model_capabilities(const ModelManifest& manifest, const std::filesystem::path& file) {
    ModelCapabilities capabilities;
    capabilities.domain = domain_of(manifest, file);
    capabilities.native_resolution = manifest.native_resolution;
    capabilities.latent = manifest.latent_space();
    capabilities.face_from_descriptor = manifest.conditioning.face_from_descriptor();
    const Conditioning& c = manifest.conditioning;
    capabilities.separate_guidance = c.face_dropout > 0 && c.background_dropout > 0;
    return capabilities;
}

}  // namespace facemix
