#include "eval/photo_identity_evaluation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "eval/bar_chart.h"

namespace facemix {
namespace {

std::vector<std::optional<FaceDescriptorVector>> describe_all(FaceDescriptor& descriptor, const std::vector<cv::Mat>& images) {
    std::vector<std::optional<FaceDescriptorVector>> out;
    for (const auto& image : images) out.push_back(describe_largest_face_enlarged(descriptor, image));
    return out;
}

std::string number(const std::optional<float>& value) {
    if (!value) return "no face";
    char text[16];
    std::snprintf(text, sizeof text, "%.3f", static_cast<double>(*value));
    return text;
}

std::string mean_text(const std::optional<double>& value) {
    if (!value) return "n/a";
    char text[16];
    std::snprintf(text, sizeof text, "%.3f", *value);
    return text;
}

template <class Get>
std::optional<double> mean_of(const PhotoIdentityEvaluation& evaluation, Get get) {
    double sum = 0.0;
    std::size_t count = 0;
    for (const auto& cell : evaluation.cells)
        if (cell.to_face && cell.to_background) {
            sum += static_cast<double>(get(cell));
            ++count;
        }
    if (count == 0) return std::nullopt;
    return sum / static_cast<double>(count);
}

}  // namespace

std::optional<double> PhotoIdentityEvaluation::mean_to_face() const {
    return mean_of(*this, [](const PhotoCellIdentity& c) { return *c.to_face; });
}
std::optional<double> PhotoIdentityEvaluation::mean_to_background() const {
    return mean_of(*this, [](const PhotoCellIdentity& c) { return *c.to_background; });
}
std::size_t PhotoIdentityEvaluation::nearer_to_face() const {
    return static_cast<std::size_t>(std::count_if(cells.begin(), cells.end(), [](const PhotoCellIdentity& c) {
        return c.to_face && c.to_background && *c.to_face > *c.to_background;
    }));
}
std::size_t PhotoIdentityEvaluation::measured() const {
    return static_cast<std::size_t>(
        std::count_if(cells.begin(), cells.end(), [](const PhotoCellIdentity& c) { return c.to_face && c.to_background; }));
}

PhotoIdentityEvaluation evaluate_photo_cells(FaceDescriptor& descriptor, const std::vector<cv::Mat>& face_sources,
                                             const std::vector<cv::Mat>& background_sources,
                                             const std::vector<EvaluatedCell>& cells) {
    const auto faces = describe_all(descriptor, face_sources);
    const auto backgrounds = describe_all(descriptor, background_sources);
    PhotoIdentityEvaluation evaluation;
    for (const auto& face : faces) evaluation.face_source_found.push_back(face.has_value());
    for (const auto& background : backgrounds) evaluation.background_source_found.push_back(background.has_value());
    for (const auto& cell : cells) {
        if (cell.face >= faces.size() || cell.background >= backgrounds.size())
            throw std::invalid_argument("evaluate_photo_cells: a cell names a source that is not there");
        PhotoCellIdentity result;
        result.face = cell.face;
        result.background = cell.background;
        result.generated = !cell.image.empty();
        if (!result.generated) {
            ++evaluation.failed;
            evaluation.cells.push_back(result);
            continue;
        }
        const auto described = describe_largest_face_enlarged(descriptor, cell.image);
        result.face_found = described.has_value();
        if (!described) ++evaluation.no_face;
        if (described && faces[cell.face]) result.to_face = descriptor_cosine(*described, *faces[cell.face]);
        if (described && backgrounds[cell.background]) result.to_background = descriptor_cosine(*described, *backgrounds[cell.background]);
        evaluation.cells.push_back(result);
    }
    return evaluation;
}

std::string photo_evaluation_markdown(const PhotoIdentityEvaluation& evaluation, const std::vector<std::string>& face_names,
                                      const std::vector<std::string>& background_names) {
    std::string text = "| face source | background source | cosine to face | cosine to background |\n|---|---|---|---|\n";
    for (const auto& cell : evaluation.cells) {
        const std::string face = cell.face < face_names.size() ? face_names[cell.face] : std::to_string(cell.face);
        const std::string background = cell.background < background_names.size() ? background_names[cell.background] : std::to_string(cell.background);
        if (!cell.generated) {
            text += "| " + face + " | " + background + " | failed | failed |\n";
            continue;
        }
        text += "| " + face + " | " + background + " | " + number(cell.to_face) + " | " + number(cell.to_background) + " |\n";
    }
    const std::size_t generated = evaluation.cells.size() - evaluation.failed;
    text += "\n| cells | failed | no face | measured | mean cosine to face | mean cosine to background | nearer to face |\n"
            "|---|---|---|---|---|---|---|\n";
    text += "| " + std::to_string(evaluation.cells.size()) + " | " + std::to_string(evaluation.failed) + " | " +
            std::to_string(evaluation.no_face) + " of " + std::to_string(generated) + " | " + std::to_string(evaluation.measured()) +
            " | " + mean_text(evaluation.mean_to_face()) + " | " + mean_text(evaluation.mean_to_background()) + " | " +
            std::to_string(evaluation.nearer_to_face()) + " of " + std::to_string(evaluation.measured()) + " |\n";
    std::size_t faces_missing = 0, backgrounds_missing = 0;
    for (const bool found : evaluation.face_source_found) faces_missing += found ? 0 : 1;
    for (const bool found : evaluation.background_source_found) backgrounds_missing += found ? 0 : 1;
    if (faces_missing + backgrounds_missing > 0)
        text += "\nNo face found in " + std::to_string(faces_missing) + " face source(s) and " + std::to_string(backgrounds_missing) +
                " background source(s); their cells have no similarity.\n";
    text += "\nCosine similarity of dlib ResNet face descriptors (dlib_face_recognition_resnet_model_v1) between each "
            "generated cell and its sources' faces, cells under 256 px enlarged before detection.\n";
    return text;
}

std::string photo_evaluation_csv(const PhotoIdentityEvaluation& evaluation) {
    std::string text = "face,background,generated,face_found,cosine_to_face,cosine_to_background\n";
    for (const auto& cell : evaluation.cells) {
        char row[160];
        const auto value = [](const std::optional<float>& v) { return v ? std::to_string(*v) : std::string(); };
        std::snprintf(row, sizeof row, "%zu,%zu,%d,%d,", cell.face, cell.background, cell.generated ? 1 : 0, cell.face_found ? 1 : 0);
        text += row + value(cell.to_face) + "," + value(cell.to_background) + "\n";
    }
    return text;
}

cv::Mat photo_evaluation_plot(const PhotoIdentityEvaluation& evaluation, const std::string& title) {
    BarChart chart;
    chart.title = title;
    chart.series = {{"cosine to face source", {200, 110, 30}}, {"cosine to background source", {30, 140, 240}}};
    for (std::size_t f = 0; f < evaluation.face_source_found.size(); ++f) {
        double sums[2] = {0, 0};
        int count = 0;
        for (const auto& cell : evaluation.cells)
            if (cell.face == f && cell.to_face && cell.to_background) {
                sums[0] += static_cast<double>(*cell.to_face);
                sums[1] += static_cast<double>(*cell.to_background);
                ++count;
            }
        BarGroup group{count > 0 ? "face " + std::to_string(f + 1) : "no face", {std::nullopt, std::nullopt}};
        if (count > 0) group.values = {sums[0] / count, sums[1] / count};
        chart.groups.push_back(std::move(group));
    }
    return draw_bar_chart(chart);
}

}  // namespace facemix
