#include "train/face_pair_dataset.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <random>

#include <ATen/ops/empty.h>
#include <ATen/ops/from_blob.h>
#include <ATen/ops/index_select.h>
#include <ATen/ops/tensor.h>
#include <opencv2/imgproc.hpp>

#include "common/error.h"
#include "io/csv_rows.h"
#include "io/image_file.h"

namespace facemix {
namespace {

// A uniform double in [0, 1) from 53 random bits: the same on every standard library, unlike
// std::uniform_real_distribution.
double unit(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }
std::int64_t below(std::mt19937_64& rng, std::int64_t n) {
    return static_cast<std::int64_t>(unit(rng) * static_cast<double>(n));
}

at::Tensor to_unit_range(const at::Tensor& bytes) { return bytes.to(at::kFloat).div(127.5).sub(1.0); }

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
    holdout_ = std::min<std::int64_t>(holdout_identities, identities());
    if (holdout_ >= identities())
        throw InputError("Dataset " + folder.string() + " has " + std::to_string(identities()) +
                         " identities, so holding out " + std::to_string(holdout_identities) +
                         " leaves none to train on.");
    for (std::int64_t i = 0; i < size(); ++i)
        if (identity_[static_cast<std::size_t>(i)] < identities() - holdout_) training_.push_back(i);

    const std::filesystem::path pairs_csv = folder / "pairs.csv";
    if (std::filesystem::exists(pairs_csv)) read_pairs(pairs_csv);

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

std::vector<std::int64_t> FacePairDataset::retrieval_partners(std::int64_t index) const {
    if (!partners_.empty()) return partners_.at(static_cast<std::size_t>(index));
    std::vector<std::int64_t> others;
    for (const std::int64_t i : identity_images_[static_cast<std::size_t>(identity_of(index))])
        if (i != index) others.push_back(i);
    return others;
}

FacePairBatch FacePairDataset::sample(std::uint64_t seed, std::int64_t batch, double retrieval_p) const {
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
    const std::int64_t first = holdout_ > 0 ? identities() - holdout_ : 0;
    std::vector<std::vector<std::int64_t>> result;
    for (std::int64_t id = first; id < identities() && static_cast<std::int64_t>(result.size()) < count; ++id)
        result.push_back(identity_images_[static_cast<std::size_t>(id)]);
    return result;
}

}  // namespace facemix
