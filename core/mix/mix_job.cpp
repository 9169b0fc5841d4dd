#include "mix/mix_job.h"

#include <cmath>

#include "common/error.h"
#include "io/content_hash.h"

namespace facemix {

SourceRecord MixSource::record() const {
    const cv::Mat pixels = aligned.isContinuous() ? aligned : aligned.clone();
    SourceRecord record{file, image_hash, face_index, content_hash(pixels.data, pixels.total() * pixels.elemSize())};
    record.weight = weight;
    for (const auto& other : same_person) record.same_person.push_back(other.record());
    return record;
}

std::vector<std::pair<cv::Mat, double>> MixSource::photos() const {
    std::vector<std::pair<cv::Mat, double>> photos{{aligned, weight}};
    for (const auto& other : same_person) photos.emplace_back(other.aligned, other.weight);
    double total = 0.0;
    for (const auto& [image, share] : photos) {
        if (!(share > 0.0) || !std::isfinite(share))
            throw InputError("The weight of a photo of " + file + "'s person must be a positive number, not " + std::to_string(share) + ".");
        total += share;
    }
    for (auto& photo : photos) photo.second /= total;
    return photos;
}

std::vector<CellRequest> grid_cells(std::size_t faces, std::size_t backgrounds, std::uint64_t seed, SeedPolicy policy) {
    std::vector<CellRequest> cells;
    for (std::size_t row = 0; row < faces; ++row)
        for (std::size_t column = 0; column < backgrounds; ++column) {
            CellRequest cell;
            cell.row = row;
            cell.column = column;
            cell.face = {row, row};
            cell.background = {column, column};
            cell.seed = policy == SeedPolicy::Fixed ? seed : seed + cells.size();
            cells.push_back(cell);
        }
    return cells;
}

std::vector<CellRequest> interpolation_cells(InterpolationAxis axis, std::size_t keyframes, std::size_t frames,
                                             std::uint64_t seed, Interpolation method) {
    if (keyframes < 2) throw InputError("Interpolation needs at least two faces or two backgrounds to move between.");
    if (frames < 2 || frames > 1000) throw InputError("Interpolation needs between 2 and 1000 frames.");
    std::vector<CellRequest> cells;
    for (std::size_t i = 0; i < frames; ++i) {
        const PathPoint point = path_point(keyframes, frame_position(i, frames));
        CellRequest cell;
        cell.column = i;
        cell.seed = seed;
        (axis == InterpolationAxis::Face ? cell.face : cell.background) = {point.from, point.to, point.t, method};
        cells.push_back(cell);
    }
    return cells;
}

}  // namespace facemix
