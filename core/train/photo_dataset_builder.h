#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "align/landmark_predictor.h"

namespace facemix {

// Where a real-photo dataset takes its people from: dlib-descriptor clustering (any photo collection)
// or the photo's folder (collections laid out a folder per person, such as LFW).
enum class IdentitySource { Clusters, Folders };
IdentitySource identity_source_from_name(const std::string& name);  // "clusters" | "folders"; InputError
const char* identity_source_name(IdentitySource source);

struct PhotoDatasetOptions {
    std::vector<std::filesystem::path> photos;  // files, in the order they are reported
    std::filesystem::path output;
    int size = 256;                             // aligned image size
    IdentitySource identity_from = IdentitySource::Clusters;
    // Share of people (never of photos) kept out of training, chosen by a hash of each person's name so
    // the split does not move when photos are added.
    double held_out_share = 0.1;
    // With identities from folders: at most this many photos of each person, the first in name order
    // (0 = all), so a few much-photographed people do not dominate the set (LFW has 530 of one man).
    int max_photos_per_person = 0;
    int threads = 0;  // 0 = every core
    std::filesystem::path landmark_model = default_landmark_model_path();
    std::filesystem::path descriptor_model;  // empty: default_face_descriptor_model_path()
};

struct PhotoDatasetCallbacks {
    // One call per photo, in input order, on the calling thread: its face count, or the reason it failed.
    std::function<void(const std::filesystem::path& photo, std::size_t faces, bool done_before)> on_photo;
    std::function<void(const std::filesystem::path& photo, const std::string& error)> on_failure;
    std::function<void(std::size_t done, std::size_t total, const std::filesystem::path& photo)> on_progress;
};

struct PhotoDatasetSummary {
    std::size_t photos = 0;  // photos with at least one face
    std::vector<std::filesystem::path> failed;
    std::size_t faces = 0;
    std::size_t identities = 0;
    std::size_t training_identities = 0;
    std::size_t held_out_identities = 0;
    std::size_t pairs = 0;            // both directions
    std::size_t near_duplicates = 0;  // both directions
    std::size_t aligned_now = 0;
    std::size_t done_before = 0;
};

// `facemix prep`: turns photos into a training set for real faces. Per photo, on `threads` workers:
// every face aligned (with identities from folders only the largest: the folder names the person a
// photo is of, not the people behind them) (faces/<stem>_f<k>.png), its dlib descriptor on the photo (what identities and
// evaluation use) and on the aligned image (what a descriptor face token sees, FaceDescriptor::
// describe_aligned), and a thumbnail; written as records/<stem>.json after the face images, atomically,
// so a photo with a record is finished and a later run skips it. Then, from all records: identities
// (clusters or folders), retrieval pairs without near-duplicates, the held-out split, and labels.csv,
// pairs.csv, descriptors.safetensors (tensors "photo" and "aligned", [faces, 128], rows in labels.csv
// order) and dataset.json, rebuilt each run so a fresh and a resumed run agree.
// A stop request lets each worker finish its photo and throws Cancelled; finished records are kept.
// Throws InputError for an output folder that cannot be made, no photos, or a bad option.
PhotoDatasetSummary build_photo_dataset(const PhotoDatasetOptions& options, const PhotoDatasetCallbacks& callbacks,
                                        std::stop_token stop);

// Whether `identity` (a name in labels.csv) is one of the held-out people for `share`.
bool is_held_out_identity(const std::string& identity, double share);

}  // namespace facemix
