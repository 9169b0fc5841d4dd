#include "train/latent_cache.h"

#include <ATen/ops/cat.h>
#include <ATen/ops/stack.h>
#include <ATen/ops/tensor.h>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "io/content_hash.h"
#include "io/safetensors.h"

namespace facemix {
namespace {

constexpr const char* kCacheFormat = "facemix-latent-cache";
constexpr std::int64_t kImagesPerPass = 16;  // images the frozen networks see at once while the cache is built

std::string dataset_digest(const FacePairDataset& dataset) {
    ContentHasher hasher;
    hasher.update(std::to_string(dataset.resolution()) + "/" + std::to_string(dataset.size()) + "/");
    for (std::int64_t i = 0; i < dataset.size(); ++i) {
        const at::Tensor pixels = dataset.image(i).contiguous();
        hasher.update(dataset.file(i) + "/");
        hasher.update(pixels.data_ptr(), static_cast<std::size_t>(pixels.nbytes()));
    }
    return hasher.hex_digest();
}

}  // namespace

std::filesystem::path LatentCache::file(const std::filesystem::path& folder) { return folder / "latent_cache.safetensors"; }

LatentCache::LatentCache(const std::filesystem::path& folder, const FacePairDataset& dataset, const LatentTarget& target,
                         bool mirrored)
    : images_(dataset.size()), layout_(target.layout()) {
    const std::string key = nlohmann::json{{"format", kCacheFormat},
                                           {"version", 1},
                                           {"frozen_networks", target.frozen_hash()},
                                           {"dataset", dataset_digest(dataset)},
                                           {"mirrored", mirrored}}
                                .dump();
    const std::filesystem::path path = file(folder);
    if (std::filesystem::exists(path)) {
        const SafetensorsFile cache = SafetensorsFile::open(path);
        const auto found = cache.metadata().find("key");
        if (found == cache.metadata().end() || !cache.find("latents") || !cache.find("tokens"))
            throw InputError(path.string() + " is not a facemix latent cache; give --cache an empty or new folder.");
        if (found->second != key)
            throw InputError("The latent cache in " + folder.string() +
                             " was made from another bundle, dataset, resolution or flip setting; give --cache another "
                             "folder or delete the cache there.");
        latents_ = cache.tensor("latents");
        tokens_ = cache.tensor("tokens");
        return;
    }
    std::vector<at::Tensor> latents, tokens;
    for (const bool flip : mirrored ? std::vector<bool>{false, true} : std::vector<bool>{false})
        for (std::int64_t begin = 0; begin < images_; begin += kImagesPerPass) {
            std::vector<at::Tensor> pass;
            for (std::int64_t i = begin; i < std::min(images_, begin + kImagesPerPass); ++i)
                pass.push_back(flip ? dataset.image(i).flip({3}) : dataset.image(i));
            const at::Tensor images = at::cat(pass, 0);
            latents.push_back(target.latents(images).to(at::kFloat).cpu());
            tokens.push_back(target.tokens(images, images).cpu());
        }
    latents_ = at::cat(latents, 0).contiguous();
    tokens_ = at::cat(tokens, 0).contiguous();
    std::filesystem::create_directories(folder);
    write_safetensors(path, {{"latents", latents_}, {"tokens", tokens_}}, {{"key", key}});
    computed_ = true;
}

at::Tensor LatentCache::entries(const std::vector<std::int64_t>& images, const std::vector<bool>& flipped) const {
    std::vector<std::int64_t> rows;
    for (std::size_t i = 0; i < images.size(); ++i) rows.push_back(images[i] + (flipped.at(i) ? images_ : 0));
    return at::tensor(rows, at::kLong);
}

at::Tensor LatentCache::latents(const FacePairBatch& batch) const {
    return latents_.index_select(0, entries(batch.images, batch.target_flipped));
}

at::Tensor LatentCache::tokens(const FacePairBatch& batch) const {
    const at::Tensor targets = entries(batch.images, batch.target_flipped);
    const at::Tensor sources = entries(batch.sources, batch.source_flipped);
    std::vector<at::Tensor> tokens;
    for (std::size_t k = 0; k < layout_.size(); ++k)
        tokens.push_back(tokens_.select(1, static_cast<std::int64_t>(k))
                             .index_select(0, layout_[k].role == TokenRole::Face ? sources : targets));
    return at::stack(tokens, 1);
}

}  // namespace facemix
