#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "identity/face_descriptor.h"

namespace facemix {

// A `facemix prep` dataset as the held-out identity evaluation reads it: labels.csv (file, identity,
// photo), the people dataset.json's split.held_out names (never trained on), the dlib descriptor of every
// face in descriptors.safetensors when prep stored them, and pairs.csv when it is there.

// A held-out person the evaluation can use: one photo is mixed (the source), a different photo is what
// the cells are compared with (the reference), so a cell that merely copies its source is not scored as
// if it had kept the identity.
struct HeldoutPerson {
    std::string name;
    std::int64_t source = 0;     // labels.csv row (0 = the first face)
    std::int64_t reference = 0;  // labels.csv row of another photo of the person
    // The rows of the person's other photos (neither the source's nor the reference's photo, one row
    // per photo, in labels.csv order): what a several-photo source adds to `source`.
    std::vector<std::int64_t> more_sources{};
};

class HeldoutDataset {
public:
    // Throws InputError, one sentence naming the folder or file: no readable labels.csv or dataset.json,
    // no split.held_out in it, a descriptors.safetensors without a float32 `photo` tensor of one 128-wide
    // row per labels.csv row.
    explicit HeldoutDataset(const std::filesystem::path& folder);

    const std::filesystem::path& folder() const { return folder_; }
    std::int64_t size() const { return static_cast<std::int64_t>(files_.size()); }
    const std::string& file(std::int64_t row) const { return files_.at(static_cast<std::size_t>(row)); }
    const std::string& photo(std::int64_t row) const { return photos_.at(static_cast<std::size_t>(row)); }
    std::size_t held_out_listed() const { return held_out_listed_; }  // names in split.held_out

    // The held-out people with at least two different photos, sorted by name. The reference is a
    // pairs.csv partner of the source when pairs.csv lists one (prep leaves crops of one photo and
    // neighbouring video frames out of it), else the person's next photo in labels.csv.
    const std::vector<HeldoutPerson>& candidates() const { return candidates_; }

    // The aligned face of a row, 8-bit BGR; InputError naming the file when it is missing, unreadable
    // or not square.
    cv::Mat image(std::int64_t row) const;

    bool has_stored_descriptors() const { return !stored_.empty(); }
    // The row's descriptor: prep's (computed on the original photo) when stored, else computed here from
    // the aligned image (and remembered); nullopt when dlib finds no face in it.
    std::optional<FaceDescriptorVector> descriptor(std::int64_t row, FaceDescriptor& recognizer);

private:
    std::filesystem::path folder_;
    std::vector<std::string> files_;
    std::vector<std::string> identities_;
    std::vector<std::string> photos_;
    std::size_t held_out_listed_ = 0;
    std::vector<HeldoutPerson> candidates_;
    std::vector<FaceDescriptorVector> stored_;
    std::map<std::int64_t, std::optional<FaceDescriptorVector>> computed_;
};

// The people of the evaluation: the candidates in a seeded shuffle (of the name-sorted list, so a seed
// always picks the same people from the same dataset), taken in turn while `usable` accepts them, the
// first `faces` as face people and the next `backgrounds` as background people (disjoint).
struct HeldoutChoice {
    std::vector<HeldoutPerson> faces;
    std::vector<HeldoutPerson> backgrounds;
};
// Throws InputError saying how many usable people there are when fewer than faces + backgrounds;
// `usable_means` says what usable is in it.
HeldoutChoice choose_heldout_people(const std::vector<HeldoutPerson>& candidates, std::size_t faces, std::size_t backgrounds,
                                    std::uint64_t seed, const std::function<bool(const HeldoutPerson&)>& usable,
                                    const std::string& usable_means = "with two or more photos dlib finds a face in");

}  // namespace facemix
