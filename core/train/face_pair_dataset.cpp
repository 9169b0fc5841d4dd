#include "train/face_pair_dataset.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include <ATen/ops/empty.h>
#include <ATen/ops/from_blob.h>
#include <ATen/ops/index_select.h>
#include <ATen/ops/tensor.h>
#include <ATen/ops/where.h>
#include <opencv2/imgproc.hpp>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "io/csv_rows.h"
#include "io/image_file.h"
#include "io/safetensors.h"

namespace facemix {
namespace {

// A uniform double in [0, 1) from 53 random bits: the same on every standard library, unlike
// std::uniform_real_distribution.
double unit(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }
std::int64_t below(std::mt19937_64& rng, std::int64_t n) {
    return static_cast<std::int64_t>(unit(rng) * static_cast<double>(n));
}

at::Tensor to_unit_range(const at::Tensor& bytes) { return bytes.to(at::kFloat).div(127.5).sub(1.0); }

// The people dataset.json's "split" holds out (what `facemix prep` writes); empty without one.
std::set<std::string> held_out_people(const std::filesystem::path& folder) {
    std::ifstream file(folder / "dataset.json");
    if (!file) return {};
    try {
        const nlohmann::json json = nlohmann::json::parse(file);
        if (!json.contains("split")) return {};
        return json.at("split").at("held_out").get<std::set<std::string>>();
    } catch (const nlohmann::json::exception&) {
        throw InputError((folder / "dataset.json").string() + " has a \"split\" without a list of held-out people.");
    }
}

}  // namespace

FacePairDataset::FacePairDataset(const std::filesystem::path& folder, std::int64_t resolution,
                                 std::int64_t holdout_identities) {
    const std::filesystem::path csv = folder / "labels.csv";
    std::ifstream file(csv);
    if (!file)
        throw InputError("Dataset " + folder.string() + " has no readable labels.csv (make one with facemix synth).");
    std::map<std::string, std::int64_t> identity_index;  // label -> dense index, in order of appearance
    for_each_csv_row(file, csv, {"file", "identity"}, [&](const std::vector<std::string>& values, std::int64_t) {
        const auto [entry, added] = identity_index.emplace(values[1], static_cast<std::int64_t>(identity_images_.size()));
        if (added) identity_images_.emplace_back();
        identity_images_[static_cast<std::size_t>(entry->second)].push_back(static_cast<std::int64_t>(files_.size()));
        identity_.push_back(entry->second);
        files_.push_back(values[0]);
    });
    if (files_.empty()) throw InputError(csv.string() + " lists no images.");
    held_out_.assign(static_cast<std::size_t>(identities()), false);
    const std::set<std::string> split = held_out_people(folder);
    if (!split.empty()) {
        for (const auto& [label, index] : identity_index) held_out_[static_cast<std::size_t>(index)] = split.count(label) > 0;
    } else {
        const std::int64_t holdout = std::min<std::int64_t>(holdout_identities, identities());
        for (std::int64_t id = identities() - holdout; id < identities(); ++id) held_out_[static_cast<std::size_t>(id)] = true;
    }
    for (std::int64_t i = 0; i < size(); ++i)
        if (!held_out_[static_cast<std::size_t>(identity_[static_cast<std::size_t>(i)])]) training_.push_back(i);
    if (training_.empty())
        throw InputError("Dataset " + folder.string() + " has " + std::to_string(identities()) + " identities, so holding out " +
                         std::to_string(held_out_identities()) + " leaves none to train on.");

    const std::filesystem::path pairs_csv = folder / "pairs.csv";
    if (std::filesystem::exists(pairs_csv)) read_pairs(pairs_csv);
    const std::filesystem::path descriptors = folder / "descriptors.safetensors";
    if (std::filesystem::exists(descriptors)) read_descriptors(descriptors);

    resolution_ = resolution;
    for (std::int64_t i = 0; i < size(); ++i) {
        cv::Mat bgr = load_image(folder / files_[static_cast<std::size_t>(i)]);
        if (bgr.rows != bgr.cols) throw InputError(files_[static_cast<std::size_t>(i)] + " in " + folder.string() + " is not square.");
        if (resolution_ == 0) resolution_ = bgr.rows;
        if (bgr.rows != resolution_) {
            if (resolution == 0)
                throw InputError("Dataset " + folder.string() + " mixes image sizes (" + files_[static_cast<std::size_t>(i)] +
                                 " is " + std::to_string(bgr.rows) + " px); set the architecture's native_resolution.");
            cv::Mat resized;
            const int side = static_cast<int>(resolution_);
            cv::resize(bgr, resized, cv::Size(side, side), 0, 0, bgr.rows > side ? cv::INTER_AREA : cv::INTER_CUBIC);
            bgr = resized;
        }
        if (!pixels_.defined()) pixels_ = at::empty({size(), 3, resolution_, resolution_}, at::kByte);
        cv::Mat rgb;
        cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
        pixels_[i].copy_(at::from_blob(rgb.data, {resolution_, resolution_, 3}, at::kByte).permute({2, 0, 1}));
    }
}

void FacePairDataset::read_pairs(const std::filesystem::path& csv) {
    std::ifstream file(csv);
    if (!file) throw InputError(csv.string() + " is unreadable.");
    std::map<std::string, std::int64_t> index_of;
    for (std::int64_t i = 0; i < size(); ++i) index_of.emplace(files_[static_cast<std::size_t>(i)], i);
    partners_.assign(files_.size(), {});
    for_each_csv_row(file, csv, {"image", "partner"}, [&](const std::vector<std::string>& values, std::int64_t line) {
        const auto image = index_of.find(values[0]), partner = index_of.find(values[1]);
        if (image == index_of.end() || partner == index_of.end())
            throw InputError(csv.string() + " line " + std::to_string(line) + " names an image that labels.csv does not list.");
        partners_[static_cast<std::size_t>(image->second)].push_back(partner->second);
    });
}

void FacePairDataset::read_descriptors(const std::filesystem::path& file) {
    const TensorMap tensors = SafetensorsFile::open(file).read_all();
    const auto found = tensors.find("aligned");
    if (found == tensors.end() || found->second.dim() != 2 || found->second.size(0) != size() || found->second.size(1) != 128)
        throw InputError(file.string() + " does not hold an \"aligned\" descriptor of 128 numbers for each of the " +
                         std::to_string(size()) + " images of labels.csv (make the dataset again with facemix prep).");
    descriptors_ = found->second.to(at::kFloat).contiguous();
}

std::int64_t FacePairDataset::held_out_identities() const {
    return static_cast<std::int64_t>(std::count(held_out_.begin(), held_out_.end(), true));
}

std::vector<std::int64_t> FacePairDataset::retrieval_partners(std::int64_t index) const {
    if (!partners_.empty()) return partners_.at(static_cast<std::size_t>(index));
    std::vector<std::int64_t> others;
    for (const std::int64_t i : identity_images_[static_cast<std::size_t>(identity_of(index))])
        if (i != index) others.push_back(i);
    return others;
}

FacePairBatch FacePairDataset::sample(std::uint64_t seed, std::int64_t batch, double retrieval_p, bool flip) const {
    std::mt19937_64 rng(seed);
    FacePairBatch result;
    for (std::int64_t b = 0; b < batch; ++b) {
        const std::int64_t target = training_[static_cast<std::size_t>(below(rng, training_images()))];
        std::int64_t source = target;
        // Both draws happen whatever the outcome, so one image's choice never shifts the next one's.
        const bool retrieve = unit(rng) < retrieval_p;
        if (!partners_.empty()) {
            const auto& partners = partners_[static_cast<std::size_t>(target)];
            const std::int64_t pick = below(rng, std::max<std::int64_t>(1, static_cast<std::int64_t>(partners.size())));
            if (retrieve && !partners.empty()) source = partners[static_cast<std::size_t>(pick)];
        } else {
            const auto& renders = identity_images_[static_cast<std::size_t>(identity_of(target))];
            const std::int64_t other = below(rng, std::max<std::int64_t>(1, static_cast<std::int64_t>(renders.size()) - 1));
            if (retrieve && renders.size() > 1) {
                const auto own = std::find(renders.begin(), renders.end(), target) - renders.begin();
                source = renders[static_cast<std::size_t>(other >= own ? other + 1 : other)];
            }
        }
        result.images.push_back(target);
        result.sources.push_back(source);
    }
    const at::Tensor images = at::tensor(result.images, at::kLong), sources = at::tensor(result.sources, at::kLong);
    result.target = to_unit_range(at::index_select(pixels_, 0, images));
    result.face_source = to_unit_range(at::index_select(pixels_, 0, sources));
    if (descriptors_.defined()) result.face_descriptor = at::index_select(descriptors_, 0, sources);
    if (flip) {
        // Drawn after every choice above, so switching flips on leaves the pairs of a seed as they were.
        const auto mirrored = [&](const at::Tensor& images_in, std::vector<bool>& flipped) {
            std::vector<std::uint8_t> draws;
            for (std::int64_t b = 0; b < batch; ++b) draws.push_back(unit(rng) < 0.5 ? 1 : 0);
            flipped.assign(draws.begin(), draws.end());
            const at::Tensor mask = at::tensor(draws, at::kByte).to(at::kBool).view({batch, 1, 1, 1});
            return at::where(mask, images_in.flip({3}), images_in);
        };
        result.target = mirrored(result.target, result.target_flipped);
        result.face_source = mirrored(result.face_source, result.source_flipped);
    } else {
        result.target_flipped = result.source_flipped = std::vector<bool>(static_cast<std::size_t>(batch), false);
    }
    return result;
}

at::Tensor FacePairDataset::image(std::int64_t index) const { return to_unit_range(pixels_.slice(0, index, index + 1)); }

cv::Mat FacePairDataset::image_bgr(std::int64_t index) const {
    const at::Tensor hwc = pixels_[index].permute({1, 2, 0}).contiguous();
    const cv::Mat rgb(static_cast<int>(resolution_), static_cast<int>(resolution_), CV_8UC3, hwc.data_ptr());
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    return bgr;
}

std::vector<std::vector<std::int64_t>> FacePairDataset::validation_identities(std::int64_t count) const {
    const bool any_held_out = held_out_identities() > 0;
    std::vector<std::vector<std::int64_t>> result;
    for (std::int64_t id = 0; id < identities() && static_cast<std::int64_t>(result.size()) < count; ++id)
        if (!any_held_out || held_out_[static_cast<std::size_t>(id)]) result.push_back(identity_images_[static_cast<std::size_t>(id)]);
    return result;
}

}  // namespace facemix
