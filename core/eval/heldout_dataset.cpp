#include "eval/heldout_dataset.h"

#include <algorithm>
#include <fstream>
#include <random>
#include <set>
#include <utility>

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "eval/photo_identity_evaluation.h"
#include "io/csv_rows.h"
#include "io/image_file.h"
#include "io/safetensors.h"
#include "train/synthetic_face.h"

namespace facemix {
namespace {

constexpr const char* kDescriptorFile = "descriptors.safetensors";
constexpr const char* kDescriptorTensor = "photo";

// split.held_out of dataset.json; InputError when the file or the list is not there.
std::set<std::string> held_out_names(const std::filesystem::path& folder) {
    const std::filesystem::path path = folder / "dataset.json";
    std::ifstream file(path);
    if (!file) throw InputError(folder.string() + " has no readable dataset.json; make the dataset with facemix prep.");
    nlohmann::json json;
    try {
        json = nlohmann::json::parse(file);
    } catch (const nlohmann::json::exception&) {
        throw InputError(path.string() + " is not valid JSON.");
    }
    const auto split = json.find("split");
    if (split == json.end() || !split->is_object() || !split->contains("held_out") || !(*split)["held_out"].is_array())
        throw InputError(folder.string() + " has no held-out split (split.held_out in dataset.json); make it with facemix prep, "
                                           "which keeps some people out of training.");
    std::set<std::string> names;
    for (const auto& name : (*split)["held_out"]) {
        if (!name.is_string()) throw InputError(path.string() + ": split.held_out must list names (strings).");
        names.insert(name.get<std::string>());
    }
    return names;
}

// image -> its partners, from pairs.csv; empty when the dataset has none.
std::map<std::string, std::set<std::string>> read_partners(const std::filesystem::path& folder) {
    std::map<std::string, std::set<std::string>> partners;
    const std::filesystem::path csv = folder / "pairs.csv";
    std::ifstream file(csv);
    if (!file) return partners;
    for_each_csv_row(file, csv, {"image", "partner"},
                     [&](const std::vector<std::string>& values, std::int64_t) { partners[values[0]].insert(values[1]); });
    return partners;
}

std::vector<FaceDescriptorVector> read_descriptors(const std::filesystem::path& path, std::int64_t rows) {
    const SafetensorsFile file = SafetensorsFile::open(path);
    if (!file.find(kDescriptorTensor)) throw InputError(path.string() + " has no \"photo\" tensor.");
    const at::Tensor tensor = file.tensor(kDescriptorTensor);
    if (tensor.scalar_type() != at::kFloat || tensor.dim() != 2 || tensor.size(0) != rows || tensor.size(1) != 128)
        throw InputError(path.string() + ": \"photo\" must be float32 [" + std::to_string(rows) +
                         ", 128], one dlib descriptor per labels.csv row.");
    const at::Tensor values = tensor.contiguous();
    const float* data = values.data_ptr<float>();
    std::vector<FaceDescriptorVector> descriptors(static_cast<std::size_t>(rows));
    for (std::size_t i = 0; i < descriptors.size(); ++i) std::copy_n(data + i * 128, 128, descriptors[i].begin());
    return descriptors;
}

}  // namespace

HeldoutDataset::HeldoutDataset(const std::filesystem::path& folder) : folder_(folder) {
    const std::filesystem::path csv = folder / "labels.csv";
    std::ifstream labels(csv);
    if (!labels) throw InputError(folder.string() + " has no readable labels.csv; make the dataset with facemix prep.");
    for_each_csv_row(labels, csv, {"file", "identity", "photo"}, [&](const std::vector<std::string>& values, std::int64_t) {
        files_.push_back(values[0]);
        identities_.push_back(values[1]);
        photos_.push_back(values[2]);
    });
    if (files_.empty()) throw InputError(csv.string() + " lists no faces.");

    const std::set<std::string> held_out = held_out_names(folder);
    held_out_listed_ = held_out.size();
    const auto partners = read_partners(folder);
    std::map<std::string, std::vector<std::int64_t>> rows_of;  // sorted by name
    for (std::int64_t row = 0; row < size(); ++row)
        if (held_out.count(identities_[static_cast<std::size_t>(row)])) rows_of[identities_[static_cast<std::size_t>(row)]].push_back(row);
    for (const auto& [name, rows] : rows_of) {
        const std::int64_t source = rows.front();
        std::optional<std::int64_t> other_photo, partner;
        const auto listed = partners.find(file(source));
        for (const std::int64_t row : rows) {
            if (photo(row) == photo(source)) continue;
            if (!other_photo) other_photo = row;
            if (!partner && listed != partners.end() && listed->second.count(file(row))) partner = row;
        }
        if (!other_photo) continue;
        HeldoutPerson person{name, source, partner.value_or(*other_photo), {}};
        // pairs.csv, when it lists the source, has already left out crops of one photo and video frames.
        std::set<std::string> photos_taken{photo(source), photo(person.reference)};
        for (const std::int64_t row : rows)
            if ((listed == partners.end() || listed->second.count(file(row))) && photos_taken.insert(photo(row)).second)
                person.more_sources.push_back(row);
        candidates_.push_back(std::move(person));
    }

    const std::filesystem::path descriptors = folder / kDescriptorFile;
    if (std::filesystem::exists(descriptors)) stored_ = read_descriptors(descriptors, size());
}

cv::Mat HeldoutDataset::image(std::int64_t row) const {
    const std::filesystem::path path = folder_ / file(row);
    const cv::Mat aligned = load_image(path);
    if (aligned.rows != aligned.cols) throw InputError(path.string() + " is not square, so it is not an aligned face.");
    return aligned;
}

std::optional<FaceDescriptorVector> HeldoutDataset::descriptor(std::int64_t row, FaceDescriptor& recognizer) {
    if (!stored_.empty()) return stored_.at(static_cast<std::size_t>(row));
    const auto known = computed_.find(row);
    if (known != computed_.end()) return known->second;
    return computed_[row] = describe_largest_face_enlarged(recognizer, image(row));
}

HeldoutChoice choose_heldout_people(const std::vector<HeldoutPerson>& candidates, std::size_t faces, std::size_t backgrounds,
                                    std::uint64_t seed, const std::function<bool(const HeldoutPerson&)>& usable,
                                    const std::string& usable_means) {
    std::vector<HeldoutPerson> order = candidates;
    std::sort(order.begin(), order.end(), [](const HeldoutPerson& a, const HeldoutPerson& b) { return a.name < b.name; });
    // Fisher-Yates with facemix's portable integer draw, so a seed picks the same people everywhere.
    std::mt19937_64 rng(seed);
    for (std::size_t i = order.size(); i > 1; --i)
        std::swap(order[i - 1], order[static_cast<std::size_t>(uniform_int(rng, 0, static_cast<int>(i - 1)))]);
    HeldoutChoice choice;
    std::size_t usable_count = 0;
    for (const auto& person : order) {
        if (choice.faces.size() + choice.backgrounds.size() == faces + backgrounds) break;
        if (!usable(person)) continue;
        ++usable_count;
        (choice.faces.size() < faces ? choice.faces : choice.backgrounds).push_back(person);
    }
    if (choice.faces.size() + choice.backgrounds.size() < faces + backgrounds)
        throw InputError("The dataset has " + std::to_string(usable_count) +
                         " held-out people " + usable_means + ", but --faces " + std::to_string(faces) +
                         " and --backgrounds " + std::to_string(backgrounds) + " need " + std::to_string(faces + backgrounds) + ".");
    return choice;
}

}  // namespace facemix
