#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <opencv2/core/mat.hpp>

namespace facemix {

// One micro-batch of the face-mixer objective. The background token is embedded from the target
// itself (masked), as the face mixer was trained; the face token from `face_source`.
struct FacePairBatch {
    at::Tensor target;       // x0: [B, 3, R, R] float32 in [-1, 1]
    at::Tensor face_source;  // the target, or another render of the same identity: [B, 3, R, R]
    at::Tensor face_descriptor;  // the face source's dlib descriptor [B, 128]; undefined without descriptors
    std::vector<std::int64_t> images;   // dataset index of each target
    std::vector<std::int64_t> sources;  // dataset index of each face source (== images[i] unless retrieved)
    // Which targets and face sources are mirrored left-right (all false without flips): what a cache of
    // per-image latents and tokens looks them up by.
    std::vector<bool> target_flipped, source_flipped;
};

// A training set folder in memory: labels.csv (columns `file` and `identity`, others ignored; what
// `facemix synth` writes and `facemix prep` will) and the aligned images it names, resized to
// `resolution` px (0 = keep the images' own size, which must then be one size). The last
// `holdout_identities` identities (in order of first appearance) are kept out of training batches
// for validation samples; a dataset.json with a "split" (what `facemix prep` writes) names the held-out
// people instead. When the folder has descriptors.safetensors (prep's), its "aligned" rows are the
// face sources' descriptors (what a descriptor face token sees). When the folder also has pairs.csv (columns `image` and `partner`, file
// names as in labels.csv; what `facemix prep` writes for real photos), an image's face source is drawn
// only from its listed partners, so a crop of the same photo or a neighbouring video frame is never
// used; without it every other render of the identity is a partner (synthetic sets).
class FacePairDataset {
public:
    // Throws InputError naming the folder or file: no labels.csv, no file/identity column, an image
    // that is missing, unreadable or not square, sizes that differ, or no identity left to train on; a
    // pairs.csv without image/partner columns or naming a file labels.csv does not list.
    FacePairDataset(const std::filesystem::path& folder, std::int64_t resolution, std::int64_t holdout_identities);

    std::int64_t resolution() const { return resolution_; }
    std::int64_t size() const { return static_cast<std::int64_t>(files_.size()); }
    std::int64_t identities() const { return static_cast<std::int64_t>(identity_images_.size()); }
    std::int64_t training_images() const { return static_cast<std::int64_t>(training_.size()); }
    const std::string& file(std::int64_t index) const { return files_.at(static_cast<std::size_t>(index)); }
    std::int64_t identity_of(std::int64_t index) const { return identity_.at(static_cast<std::size_t>(index)); }

    // `batch` training targets drawn uniformly with replacement; each face source is a retrieval partner
    // of the target (see above) with probability `retrieval_p` (when it has one), else the target. With
    // `flip`, targets and face sources are each mirrored left-right with probability 1/2. A pure
    // function of `seed`: the trainer passes a seed derived from its own seed and the step.
    FacePairBatch sample(std::uint64_t seed, std::int64_t batch, double retrieval_p, bool flip = false) const;

    // Image `image` as [1, 3, R, R] in [-1, 1], and as 8-bit BGR (what MixEngine takes).
    at::Tensor image(std::int64_t index) const;
    cv::Mat image_bgr(std::int64_t index) const;

    // Images of the held-out identities (or, with none held out, of the first identities), for the
    // sample grid: up to `count` identities, their renders in dataset order.
    std::vector<std::vector<std::int64_t>> validation_identities(std::int64_t count) const;

    // The images `index` may take its face from: its pairs.csv partners, or every other image of its identity.
    std::vector<std::int64_t> retrieval_partners(std::int64_t index) const;
    bool has_pair_list() const { return !partners_.empty(); }
    bool has_descriptors() const { return descriptors_.defined(); }
    std::int64_t held_out_identities() const;

private:
    void read_pairs(const std::filesystem::path& csv);
    void read_descriptors(const std::filesystem::path& file);

    std::int64_t resolution_ = 0;
    std::vector<std::string> files_;
    std::vector<std::int64_t> identity_;                      // dense identity index per image
    std::vector<std::vector<std::int64_t>> identity_images_;  // images of each identity
    std::vector<std::int64_t> training_;                      // images of non-held-out identities
    std::vector<std::vector<std::int64_t>> partners_;         // from pairs.csv; empty without one
    std::vector<bool> held_out_;                              // per identity
    at::Tensor pixels_;                                       // [N, 3, R, R] uint8, RGB
    at::Tensor descriptors_;                                  // [N, 128] float32, or undefined
};

}  // namespace facemix
