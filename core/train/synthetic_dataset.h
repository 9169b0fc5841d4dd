#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "train/synthetic_face.h"

namespace facemix {

// A folder of synthetic faces: N identities x K renders, id0000_r0.png ... (every render of one
// identity shares its identity traits, so retrieval pairs exist by construction), labels.csv with
// every trait of every image, and dataset.json describing the set (kind "synthetic", seed, size,
// counts, trait ranges and names, facemix version).

inline constexpr std::int64_t kMaxSyntheticIdentities = 1'000'000;
inline constexpr int kMaxSyntheticRenders = 1000;
inline constexpr std::int64_t kMaxSyntheticImages = 10'000'000;

struct SyntheticDatasetOptions {
    std::filesystem::path output;
    std::int64_t identities = 0;  // N: 1 .. kMaxSyntheticIdentities
    int renders = 4;              // K per identity: 1 .. kMaxSyntheticRenders
    std::uint64_t seed = 0;
    int size = 128;               // 64, 128, 256 or 512 px
};

// Throws InputError, one sentence naming the flag, for counts or sizes out of range.
void check_synthetic_options(const SyntheticDatasetOptions& options);

// The traits of identity `identity` and of its render `render`: functions of the seed and the indices
// only, so growing a set (more identities or renders) keeps every image it already has.
IdentityTraits synthetic_identity(std::uint64_t seed, std::int64_t identity);
SceneTraits synthetic_scene(std::uint64_t seed, std::int64_t identity, int render);
std::string synthetic_image_name(std::int64_t identity, int render);

struct SyntheticDatasetSummary {
    std::int64_t images = 0;   // N x K
    std::int64_t written = 0;  // rendered now
    std::int64_t kept = 0;     // already there and readable at the right size (a resumed run)
    double seconds = 0.0;
};

// Called on the calling thread after each batch: images done (written or kept) and the total.
using SyntheticProgress = std::function<void(std::int64_t done, std::int64_t total)>;

// Writes the set, rendering on all cores. Resumable: images already present and valid are kept, and a
// folder holding a set with another seed, size or renderer version is refused (InputError). A stop
// request ends it after the current batch with Cancelled; the images finished so far stay.
SyntheticDatasetSummary write_synthetic_dataset(const SyntheticDatasetOptions& options,
                                                const SyntheticProgress& progress = {}, std::stop_token stop = {});

struct SyntheticLabel {
    std::string file;
    std::int64_t identity = 0;
    int render = 0;
    IdentityTraits identity_traits;
    SceneTraits scene_traits;

    bool operator==(const SyntheticLabel&) const = default;
};

// labels.csv: a header `file,identity,render,<identity traits>,<scene traits>` (names as in
// identity_trait_specs() / scene_trait_specs()), then one row of ints per image. Written atomically,
// streamed, so a million identities do not need their labels in memory.
void write_synthetic_labels(const std::filesystem::path& csv, std::uint64_t seed, std::int64_t identities, int renders);
// Reads it back; a missing column, a short row or a value out of its trait's range is an InputError
// naming the file and line.
std::vector<SyntheticLabel> read_synthetic_labels(const std::filesystem::path& csv);

}  // namespace facemix
