#include "train/retrieval_pairs.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <limits>
#include <numeric>

#include <opencv2/imgproc.hpp>

#include "common/error.h"

namespace facemix {
namespace {

// Union-find over face indices.
class Groups {
public:
    explicit Groups(std::size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), std::size_t{0}); }
    std::size_t root(std::size_t i) {
        while (parent_[i] != i) i = parent_[i] = parent_[parent_[i]];
        return i;
    }
    void join(std::size_t a, std::size_t b) {
        a = root(a), b = root(b);
        if (a != b) parent_[std::max(a, b)] = std::min(a, b);
    }

private:
    std::vector<std::size_t> parent_;
};

// Pairwise distances between clusters, stored once per unordered pair.
class DistanceTable {
public:
    explicit DistanceTable(std::size_t n) : n_(n), values_(n * (n - 1) / 2) {}
    float& at(std::size_t a, std::size_t b) {
        if (a > b) std::swap(a, b);
        return values_[a * n_ - a * (a + 1) / 2 + (b - a - 1)];
    }

private:
    std::size_t n_;
    std::vector<float> values_;
};

// Average-linkage clustering cut at `cut`, by the nearest-neighbour chain algorithm (O(n^2) time and
// memory). Average linkage is reducible, so when two reciprocal nearest neighbours are `cut` or more
// apart, neither can ever merge below `cut` again and both are retired.
std::vector<std::size_t> average_linkage(const std::vector<RetrievalFace>& faces, float cut) {
    const std::size_t n = faces.size();
    Groups merged(n);
    if (n < 2) return std::vector<std::size_t>(n, 0);
    DistanceTable distance(n);
    for (std::size_t a = 0; a < n; ++a)
        for (std::size_t b = a + 1; b < n; ++b) distance.at(a, b) = descriptor_distance(faces[a].descriptor, faces[b].descriptor);

    std::vector<std::size_t> members(n, 1);
    std::vector<char> active(n, 1);
    std::size_t remaining = n;
    std::vector<std::size_t> chain;
    while (remaining > 1) {
        if (chain.empty())
            for (std::size_t c = 0; c < n; ++c)
                if (active[c]) {
                    chain.push_back(c);
                    break;
                }
        const std::size_t a = chain.back();
        // The previous link wins ties, so the chain always ends in a reciprocal pair.
        std::size_t nearest = chain.size() > 1 ? chain[chain.size() - 2] : n;
        float best = nearest < n ? distance.at(a, nearest) : std::numeric_limits<float>::infinity();
        for (std::size_t c = 0; c < n; ++c)
            if (active[c] && c != a && distance.at(a, c) < best) best = distance.at(a, c), nearest = c;
        if (nearest == n) break;  // a is the only active cluster left
        if (chain.size() < 2 || nearest != chain[chain.size() - 2]) {
            chain.push_back(nearest);
            continue;
        }
        chain.pop_back();
        chain.pop_back();
        const std::size_t b = nearest;
        if (best >= cut) {  // reciprocal nearest neighbours too far apart: both are final
            active[a] = active[b] = 0;
            remaining -= 2;
            continue;
        }
        // Lance-Williams update for average linkage: the merged cluster lives in a's slot.
        for (std::size_t c = 0; c < n; ++c)
            if (active[c] && c != a && c != b)
                distance.at(a, c) = (static_cast<float>(members[a]) * distance.at(a, c) +
                                     static_cast<float>(members[b]) * distance.at(b, c)) /
                                    static_cast<float>(members[a] + members[b]);
        members[a] += members[b];
        active[b] = 0;
        --remaining;
        merged.join(a, b);
    }
    std::vector<std::size_t> roots(n);
    for (std::size_t i = 0; i < n; ++i) roots[i] = merged.root(i);
    return roots;
}

}  // namespace

FaceThumbnail face_thumbnail(const cv::Mat& aligned_bgr) {
    if (aligned_bgr.empty() || aligned_bgr.depth() != CV_8U)
        throw InputError("a face thumbnail needs a non-empty 8-bit image");
    cv::Mat grey;
    if (aligned_bgr.channels() == 3) cv::cvtColor(aligned_bgr, grey, cv::COLOR_BGR2GRAY);
    else if (aligned_bgr.channels() == 4) cv::cvtColor(aligned_bgr, grey, cv::COLOR_BGRA2GRAY);
    else grey = aligned_bgr;
    // Averaged in float: rounding 16x16 averages to 8 bits would cost smooth images most of their contrast.
    cv::Mat grey_float, small;
    grey.convertTo(grey_float, CV_32F);
    cv::resize(grey_float, small, cv::Size(kThumbnailSide, kThumbnailSide), 0, 0, cv::INTER_AREA);
    FaceThumbnail thumbnail{};
    double mean = 0;
    for (int y = 0; y < kThumbnailSide; ++y)
        for (int x = 0; x < kThumbnailSide; ++x) mean += small.at<float>(y, x);
    mean /= static_cast<double>(thumbnail.size());
    double norm = 0;
    for (int y = 0; y < kThumbnailSide; ++y)
        for (int x = 0; x < kThumbnailSide; ++x) {
            const double v = small.at<float>(y, x) - mean;
            thumbnail[static_cast<std::size_t>(y * kThumbnailSide + x)] = static_cast<float>(v);
            norm += v * v;
        }
    if (norm > 0)
        for (float& v : thumbnail) v = static_cast<float>(v / std::sqrt(norm));
    return thumbnail;
}

float thumbnail_distance(const FaceThumbnail& a, const FaceThumbnail& b) {
    double sum = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const double d = static_cast<double>(a[i]) - b[i];
        sum += d * d;
    }
    return static_cast<float>(std::sqrt(sum));
}

RetrievalPairs build_retrieval_pairs(const std::vector<RetrievalFace>& faces, const RetrievalThresholds& thresholds) {
    const std::vector<std::size_t> roots = average_linkage(faces, thresholds.same_person);
    return retrieval_pairs_for_identities(faces, std::vector<std::int64_t>(roots.begin(), roots.end()), thresholds);
}

RetrievalPairs retrieval_pairs_for_identities(const std::vector<RetrievalFace>& faces, const std::vector<std::int64_t>& identity,
                                              const RetrievalThresholds& thresholds) {
    const std::size_t n = faces.size();
    if (identity.size() != n) throw std::invalid_argument("retrieval_pairs_for_identities: one identity per face");
    RetrievalPairs result;
    std::map<std::int64_t, std::int64_t> dense;  // given identity -> identity numbered by first appearance
    std::vector<std::vector<std::size_t>> members;
    for (std::size_t i = 0; i < n; ++i) {
        const auto [found, added] = dense.emplace(identity[i], result.identities);
        if (added) {
            ++result.identities;
            members.emplace_back();
        }
        result.identity.push_back(found->second);
        members[static_cast<std::size_t>(found->second)].push_back(i);
    }

    // Only faces of one person are compared, so a large set costs the sum of its people's squares.
    Groups copies(n);
    for (const auto& person : members)
        for (std::size_t i = 0; i < person.size(); ++i)
            for (std::size_t j = i + 1; j < person.size(); ++j) {
                const std::size_t a = person[i], b = person[j];
                if (descriptor_distance(faces[a].descriptor, faces[b].descriptor) < thresholds.duplicate_descriptor ||
                    thumbnail_distance(faces[a].thumbnail, faces[b].thumbnail) < thresholds.duplicate_thumbnail)
                    copies.join(a, b);
            }
    for (const auto& person : members)
        for (const std::size_t a : person)
            for (const std::size_t b : person) {
                if (a == b) continue;
                const std::pair<std::int64_t, std::int64_t> pair(static_cast<std::int64_t>(a), static_cast<std::int64_t>(b));
                (copies.root(a) == copies.root(b) ? result.near_duplicates : result.pairs).push_back(pair);
            }
    std::sort(result.pairs.begin(), result.pairs.end());
    std::sort(result.near_duplicates.begin(), result.near_duplicates.end());
    return result;
}

}  // namespace facemix
