#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include <ATen/core/Tensor.h>

#include "train/face_pair_dataset.h"
#include "train/latent_target.h"

namespace facemix {

// The frozen networks' work on a dataset, done once: the latent and the condition tokens of every
// image (and of its mirror image when the run flips), kept in `folder`/latent_cache.safetensors so that
// every later step, epoch and run reads them instead of running the VAE and the encoder. Entry e holds
// image e % N, mirrored when e >= N; its tokens are those the image gives in each token's role (its
// face crop for the face token, its masked self for the background token), so any pairing of targets
// and face sources is a lookup. The file is keyed by LatentTarget::frozen_hash and a digest of the
// dataset's pixels at the run's resolution, so another bundle or dataset never reuses it silently.
class LatentCache {
public:
    // Reads the cache of `folder`, or computes and writes it when the folder has none. Throws InputError
    // when the folder holds a cache of another bundle, dataset, resolution or flip setting, or a file that
    // is no latent cache.
    LatentCache(const std::filesystem::path& folder, const FacePairDataset& dataset, const LatentTarget& target,
                bool mirrored);

    // What LatentTarget::latents and ::tokens compute for the batch, on the CPU.
    at::Tensor latents(const FacePairBatch& batch) const;
    at::Tensor tokens(const FacePairBatch& batch) const;

    bool computed() const { return computed_; }  // made by this constructor rather than read
    static std::filesystem::path file(const std::filesystem::path& folder);

private:
    at::Tensor entries(const std::vector<std::int64_t>& images, const std::vector<bool>& flipped) const;

    std::int64_t images_ = 0;
    std::vector<TokenSpec> layout_;
    at::Tensor latents_;  // [E, C, h, w] float32
    at::Tensor tokens_;   // [E, N, D] float32
    bool computed_ = false;
};

}  // namespace facemix
