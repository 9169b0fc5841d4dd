#include "bundle/model_hash.h"

#include <nlohmann/json.hpp>

#include "io/content_hash.h"
#include "io/mapped_file.h"

namespace facemix {

namespace {

void hash_weights(ContentHasher& hasher, const std::string& prefix, const TensorMap& weights) {
    for (const auto& [name, tensor] : weights) {  // std::map: sorted names
        const at::Tensor contiguous = tensor.contiguous();
        hasher.update(prefix + name + "|" + std::string(c10::toString(contiguous.scalar_type())) + "|");
        for (const auto size : contiguous.sizes()) hasher.update(std::to_string(size) + ",");
        hasher.update(contiguous.data_ptr(), contiguous.nbytes());
        // Hashing reads every weight once; weights still in their file need not stay resident for it
        // (the VAE's encoder half, say, is never read again unless a job starts from a photo).
        release_resident_pages(contiguous);
    }
}

}  // namespace

std::string model_hash(const ModelBundle& bundle) {
    ModelManifest manifest = bundle.manifest;
    manifest.provenance = {};
    ContentHasher hasher;
    hasher.update(manifest_to_json(manifest).dump());
    hash_weights(hasher, "unet.", bundle.unet);
    hash_weights(hasher, "vae.", bundle.vae);
    hash_weights(hasher, "encoder.", bundle.encoder);
    hash_weights(hasher, "face_projection.", bundle.face_projection);  // adds nothing for bundles without one
    return hasher.hex_digest();
}

}  // namespace facemix
