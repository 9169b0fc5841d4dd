#include "align/aligned_face_files.h"

#include "align/face_split.h"
#include "io/atomic_file.h"
#include "io/image_file.h"

#include <nlohmann/json.hpp>

namespace facemix {
namespace {

nlohmann::json point_json(const cv::Point2d& p) { return nlohmann::json::array({p.x, p.y}); }

}  // namespace

nlohmann::json aligned_face_record(const AlignedFace& face, const std::filesystem::path& source, int aligned_size) {
    nlohmann::json landmarks = nlohmann::json::array();
    for (const auto& p : face.landmarks) landmarks.push_back(point_json(p));
    nlohmann::json quad = nlohmann::json::array();
    for (const auto& p : face.quad.corners) quad.push_back(point_json(p));
    const cv::Rect box = face_box(aligned_size);
    const auto& d = face.detection.box;
    return {
        {"source", source.filename().string()},
        {"face_index", face.index},
        {"aligned_size", aligned_size},
        {"detection", {{"box", {d.x, d.y, d.width, d.height}}, {"score", face.detection.score}}},
        {"landmarks", landmarks},
        {"quad", quad},
        {"quad_size", face.quad.size},
        {"outside_share", face.outside_share},
        {"face_box", {{"top", box.y}, {"bottom", box.y + box.height}, {"left", box.x}, {"right", box.x + box.width}}},
        {"mask_value", kMaskGrey},
    };
}

std::vector<std::filesystem::path> write_aligned_face_files(const std::filesystem::path& dir, const std::string& stem,
                                                            const AlignedFace& face, const std::filesystem::path& source) {
    const std::string prefix = stem + "_f" + std::to_string(face.index);
    const FaceSplit split = split_face(face.aligned);
    std::vector<std::filesystem::path> written;
    try {
        const auto write_png = [&](const std::string& suffix, const cv::Mat& image) {
            const auto path = dir / (prefix + suffix);
            write_image_atomic(path, image);
            written.push_back(path);
        };
        write_png("_aligned.png", face.aligned);
        write_png("_face.png", split.face);
        write_png("_background.png", split.background);
        const auto json_path = dir / (prefix + ".json");
        write_file_atomic(json_path, aligned_face_record(face, source, face.aligned.rows).dump(2) + "\n");
        written.push_back(json_path);
    } catch (...) {
        std::error_code ignored;
        for (const auto& path : written) std::filesystem::remove(path, ignored);
        throw;
    }
    return written;
}

}  // namespace facemix
