#include "mix/casting.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "common/error.h"
#include "identity/face_descriptor.h"
#include "io/atomic_file.h"
#include "io/image_file.h"
#include "io/image_inputs.h"
#include "mix/contact_sheet.h"
#include "mix/job_files.h"

namespace facemix {
namespace {

bool faces_vary(CastDirection direction) { return direction == CastDirection::BackgroundWithFaces; }

const MixSource& face_of(const MixJob& job, CastDirection direction, std::size_t varied) {
    return job.faces.at(faces_vary(direction) ? varied : 0);
}

std::string score_text(const CastEntry& entry) {
    if (entry.image.empty()) return "failed";
    if (!entry.identity) return "no face";
    char text[16];
    std::snprintf(text, sizeof text, "%.3f", static_cast<double>(*entry.identity));
    return text;
}

std::string stem(const std::string& file) { return std::filesystem::path(file).stem().string(); }

// Against the mean of the person's descriptors rather than the mean of the cosines to each photo: the
// face token is the weighted mean of the photos' (of their descriptors, for a descriptor model), so the
// mean is the identity the cell was asked for, and one odd photo (a profile, harsh light) moves it by its
// weight instead of dragging every score down with it.
std::optional<FaceDescriptorVector> describe_person(FaceDescriptor& descriptor, const MixSource& face) {
    std::vector<std::pair<std::optional<FaceDescriptorVector>, double>> photos;
    for (const auto& [aligned, weight] : face.photos()) photos.emplace_back(describe_largest_face_enlarged(descriptor, aligned), weight);
    return person_descriptor(photos);
}

}  // namespace

MixJob cast_job(CastDirection direction, MixSource fixed, std::vector<MixSource> varied, std::uint64_t seed, SeedPolicy policy) {
    if (varied.empty())
        throw InputError(faces_vary(direction) ? "A cast needs at least one face to try on the background."
                                               : "A cast needs at least one background to try the face on.");
    MixJob job;
    const std::size_t count = varied.size();
    if (faces_vary(direction)) {
        job.faces = std::move(varied);
        job.backgrounds = {std::move(fixed)};
        job.cells = grid_cells(count, 1, seed, policy);
    } else {
        job.faces = {std::move(fixed)};
        job.backgrounds = std::move(varied);
        job.cells = grid_cells(1, count, seed, policy);
    }
    return job;
}

std::vector<std::filesystem::path> cast_photo_files(const std::vector<std::string>& arguments) {
    std::vector<std::filesystem::path> photos;
    for (const std::string& argument : arguments) {
        const auto found = expand_image_inputs({argument});
        std::error_code error;
        // expand_image_inputs keeps a folder without images in its list, for a loader to report.
        if (found.size() == 1 && std::filesystem::is_directory(found.front(), error))
            throw InputError("The folder " + argument + " holds no photos.");
        photos.insert(photos.end(), found.begin(), found.end());
    }
    return photos;
}

std::size_t cast_index(CastDirection direction, const CellRequest& cell) { return faces_vary(direction) ? cell.row : cell.column; }

std::optional<FaceDescriptorVector> person_descriptor(const std::vector<std::pair<std::optional<FaceDescriptorVector>, double>>& photos) {
    FaceDescriptorVector mean{};
    double total = 0.0;
    for (const auto& [found, weight] : photos) {
        if (!found) continue;
        for (std::size_t i = 0; i < mean.size(); ++i) mean[i] += static_cast<float>(weight * (*found)[i]);
        total += weight;
    }
    if (!(total > 0.0)) return std::nullopt;
    for (float& value : mean) value = static_cast<float>(value / total);
    return mean;
}

std::vector<CastEntry> rank_cast(FaceDescriptor& descriptor, const MixJob& job, CastDirection direction,
                                 const std::vector<cv::Mat>& cells) {
    const std::vector<MixSource>& varied = faces_vary(direction) ? job.faces : job.backgrounds;
    if (cells.size() != varied.size()) throw std::invalid_argument("rank_cast needs one cell image per varied source");
    std::optional<std::optional<FaceDescriptorVector>> fixed_face;  // described once when the face is fixed
    std::vector<CastEntry> entries;
    for (std::size_t i = 0; i < varied.size(); ++i) {
        CastEntry entry;
        entry.varied = i;
        entry.source = varied[i].file;
        const std::size_t row = faces_vary(direction) ? i : 0, column = faces_vary(direction) ? 0 : i;
        entry.cell_file = grid_cell_file_name(row, column, job.faces.at(row).file, job.backgrounds.at(column).file);
        entry.image = cells[i];
        if (!entry.image.empty()) {
            const auto cell = describe_largest_face_enlarged(descriptor, entry.image);
            std::optional<FaceDescriptorVector> face;
            if (faces_vary(direction)) {
                face = describe_person(descriptor, face_of(job, direction, i));
            } else {
                if (!fixed_face) fixed_face = describe_person(descriptor, face_of(job, direction, 0));
                face = *fixed_face;
            }
            if (cell && face) entry.identity = descriptor_cosine(*cell, *face);
        }
        entries.push_back(std::move(entry));
    }
    std::stable_sort(entries.begin(), entries.end(), [](const CastEntry& a, const CastEntry& b) {
        if (a.identity && b.identity) return *a.identity > *b.identity;
        return a.identity.has_value() && !b.identity.has_value();
    });
    return entries;
}

std::vector<CastEntry> reached_entries(std::vector<CastEntry> ranked, const std::vector<bool>& reached) {
    if (reached.size() != ranked.size()) throw std::invalid_argument("reached_entries needs one flag per ranked cell");
    std::erase_if(ranked, [&](const CastEntry& entry) { return !reached.at(entry.varied); });
    return ranked;
}

std::string cast_csv(const std::vector<CastEntry>& ranked) {
    std::string text = "rank,cell,source,identity_cosine\n";
    for (std::size_t i = 0; i < ranked.size(); ++i) {
        const CastEntry& entry = ranked[i];
        text += std::to_string(i + 1) + "," + entry.cell_file + "," + entry.source + "," +
                (entry.identity ? std::to_string(*entry.identity) : std::string()) + "\n";
    }
    return text;
}

cv::Mat cast_sheet(const MixJob& job, CastDirection direction, const std::vector<CastEntry>& ranked, std::size_t columns) {
    const MixSource& fixed = faces_vary(direction) ? job.backgrounds.at(0) : job.faces.at(0);
    std::vector<cv::Mat> tiles{fixed.aligned};
    std::vector<std::string> captions{(faces_vary(direction) ? "background: " : "face: ") + stem(fixed.file)};
    for (const CastEntry& entry : ranked) {
        tiles.push_back(entry.image);
        captions.push_back(score_text(entry) + "  " + stem(entry.source));
    }
    return captioned_sheet(tiles, captions, columns, kSheetTilePx, kSheetGapPx);
}

CastFiles write_cast_files(const std::filesystem::path& folder, const MixJob& job, CastDirection direction,
                           const std::vector<CastEntry>& ranked) {
    CastFiles files{folder / "cast_sheet.png", folder / "cast.csv"};
    write_image_atomic(files.sheet, cast_sheet(job, direction, ranked));
    write_file_atomic(files.csv, cast_csv(ranked));
    return files;
}

}  // namespace facemix
