#include "eval/heldout_identity_evaluation.h"

#include <cstdio>
#include <stdexcept>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "align/face_split.h"
#include "eval/bar_chart.h"
#include "eval/photo_identity_evaluation.h"

namespace facemix {
namespace {

double distance(const FaceDescriptorVector& a, const FaceDescriptorVector& b) { return static_cast<double>(descriptor_distance(a, b)); }

std::string fixed(double value, const char* format = "%.3f") {
    char text[32];
    std::snprintf(text, sizeof text, format, value);
    return text;
}
std::string fixed_or(const std::optional<double>& value, const std::string& missing) { return value ? fixed(*value) : missing; }

std::string share_text(const HeldoutFigures& figures, std::size_t count) {
    return fixed(100.0 * figures.share(count), "%.1f%%") + " (" + std::to_string(count) + " of " + std::to_string(figures.cells.size()) + ")";
}

std::string goal_row(const std::string& figure, const std::string& value, const std::string& goal, bool met) {
    return "| " + figure + " | " + value + " | " + goal + " | " + (met ? "met" : "not met") + " |\n";
}

std::string name_of(const std::vector<std::string>& names, std::size_t index) {
    return index < names.size() ? names[index] : std::to_string(index);
}

}  // namespace

HeldoutFigures heldout_identity_figures(const std::vector<HeldoutPersonDescriptors>& faces,
                                        const std::vector<HeldoutPersonDescriptors>& backgrounds,
                                        const std::vector<HeldoutCellMeasure>& cells) {
    std::vector<const HeldoutPersonDescriptors*> people;
    for (const auto& person : faces) people.push_back(&person);
    for (const auto& person : backgrounds) people.push_back(&person);
    if (people.size() < 2) throw std::invalid_argument("heldout_identity_figures: chance needs at least two people");

    HeldoutFigures figures;
    for (const auto* person : people) figures.ceiling += distance(person->source, person->reference);
    figures.ceiling /= static_cast<double>(people.size());
    // Every photo of one person against every photo of another: the distance two strangers' photos have.
    double different = 0.0;
    std::size_t pairs = 0;
    for (std::size_t i = 0; i < people.size(); ++i)
        for (std::size_t j = i + 1; j < people.size(); ++j)
            for (const auto* a : {&people[i]->source, &people[i]->reference})
                for (const auto* b : {&people[j]->source, &people[j]->reference}) {
                    different += distance(*a, *b);
                    ++pairs;
                }
    figures.chance = different / static_cast<double>(pairs);

    double kept_sum = 0.0, kept_found = 0.0, leaked_found = 0.0;
    for (const auto& cell : cells) {
        if (cell.face >= faces.size() || cell.background >= backgrounds.size())
            throw std::invalid_argument("heldout_identity_figures: a cell names a person that is not there");
        HeldoutCellScore score;
        score.face = cell.face;
        score.background = cell.background;
        score.generated = cell.generated;
        score.face_found = cell.generated && cell.descriptor.has_value();
        if (score.face_found) {
            score.kept = distance(*cell.descriptor, faces[cell.face].reference);
            score.leaked = distance(*cell.descriptor, backgrounds[cell.background].reference);
            score.closer_to_face = *score.kept < *score.leaked;
            score.called_face = *score.kept < static_cast<double>(kSamePersonDistance);
            kept_found += *score.kept;
            leaked_found += *score.leaked;
        }
        if (cell.generated) {
            score.scene_to_face = cell.scene_to_face;
            score.scene_to_background = cell.scene_to_background;
            score.scene_from_background = cell.scene_to_face && cell.scene_to_background && *cell.scene_to_background < *cell.scene_to_face;
        }
        kept_sum += score.kept.value_or(figures.chance);
        figures.generated += score.generated ? 1 : 0;
        figures.face_found += score.face_found ? 1 : 0;
        figures.closer_to_face += score.closer_to_face ? 1 : 0;
        figures.called_face += score.called_face ? 1 : 0;
        figures.scene_from_background += score.scene_from_background ? 1 : 0;
        figures.cells.push_back(score);
    }
    figures.mean_kept = cells.empty() ? figures.chance : kept_sum / static_cast<double>(cells.size());
    if (figures.face_found > 0) {
        figures.mean_kept_found = kept_found / static_cast<double>(figures.face_found);
        figures.mean_leaked_found = leaked_found / static_cast<double>(figures.face_found);
    }
    if (figures.chance > figures.ceiling) figures.recovered = (figures.chance - figures.mean_kept) / (figures.chance - figures.ceiling);
    return figures;
}

double scene_difference(const cv::Mat& cell, const cv::Mat& source) {
    cv::Mat resized;
    cv::resize(source, resized, cell.size(), 0, 0, cv::INTER_AREA);
    cv::Mat outside(cell.size(), CV_8U, cv::Scalar(255));
    outside(face_box(cell.cols) & cv::Rect(0, 0, cell.cols, cell.rows)).setTo(0);
    cv::Mat difference;
    cv::absdiff(cell, resized, difference);
    const cv::Scalar per_channel = cv::mean(difference, outside);
    return (per_channel[0] + per_channel[1] + per_channel[2]) / 3.0;
}

HeldoutCellMeasure measure_heldout_cell(FaceDescriptor& recognizer, std::size_t face, std::size_t background, const cv::Mat& cell,
                                        const cv::Mat& face_source, const cv::Mat& background_source) {
    HeldoutCellMeasure measure;
    measure.face = face;
    measure.background = background;
    measure.generated = !cell.empty();
    if (!measure.generated) return measure;
    measure.descriptor = describe_largest_face_enlarged(recognizer, cell);
    measure.scene_to_face = scene_difference(cell, face_source);
    measure.scene_to_background = scene_difference(cell, background_source);
    return measure;
}

std::string heldout_evaluation_markdown(const HeldoutFigures& figures, const std::vector<std::string>& face_names,
                                        const std::vector<std::string>& background_names, const HeldoutReportNotes& notes) {
    const auto met = [&](std::size_t count, double goal) { return figures.share(count) >= goal; };
    const auto percent = [](double goal) { return "≥ " + fixed(100.0 * goal, "%.0f%%"); };
    std::string text = "| figure | value | goal | |\n|---|---|---|---|\n";
    text += goal_row("identity recovered: (chance − mean kept) / (chance − ceiling)", fixed_or(figures.recovered, "n/a (chance ≤ ceiling)"),
                     "≥ " + fixed(kRecoveredGoal, "%.2f"), figures.recovered && *figures.recovered >= kRecoveredGoal);
    text += goal_row("cells closer to the face person P than to the background person Q", share_text(figures, figures.closer_to_face),
                     percent(kCloserToFaceGoal), met(figures.closer_to_face, kCloserToFaceGoal));
    text += "| cells dlib calls P (distance to P < " + fixed(kSamePersonDistance, "%.1f") + ") | " +
            share_text(figures, figures.called_face) + " | | |\n";
    text += goal_row("cells with a face found", share_text(figures, figures.face_found), percent(kFaceFoundGoal),
                     met(figures.face_found, kFaceFoundGoal));
    text += goal_row("scene from Q: outside the face box nearer Q's photo than P's", share_text(figures, figures.scene_from_background),
                     percent(kSceneFromBackgroundGoal), met(figures.scene_from_background, kSceneFromBackgroundGoal));

    text += "\n| anchor (dlib distance) | value |\n|---|---|\n";
    text += "| ceiling: a chosen person's source photo to their reference photo | " + fixed(figures.ceiling) + " |\n";
    text += "| chance: photos of two different chosen people | " + fixed(figures.chance) + " |\n";
    text += "| mean kept: cell to P's reference (a cell without a face counts as chance) | " + fixed(figures.mean_kept) + " |\n";
    text += "| mean kept, cells with a face | " + fixed_or(figures.mean_kept_found, "n/a") + " |\n";
    text += "| mean leaked: cell to Q's reference, cells with a face | " + fixed_or(figures.mean_leaked_found, "n/a") + " |\n";

    text += "\n| face person P | background person Q | kept | leaked | scene difference to P / Q |\n|---|---|---|---|---|\n";
    for (const auto& cell : figures.cells) {
        const std::string missing = cell.generated ? "no face" : "failed";
        const std::string scene = cell.scene_to_face && cell.scene_to_background
                                      ? fixed(*cell.scene_to_face, "%.1f") + " / " + fixed(*cell.scene_to_background, "%.1f")
                                      : "failed";
        text += "| " + name_of(face_names, cell.face) + " | " + name_of(background_names, cell.background) + " | " +
                fixed_or(cell.kept, missing) + " | " + fixed_or(cell.leaked, missing) + " | " + scene + " |\n";
    }

    text += "\nThe recognizer is dlib face-recognition ResNet v1 (dlib_face_recognition_resnet_model_v1.dat): Euclidean "
            "distance between 128-d descriptors, under " + fixed(kSamePersonDistance, "%.1f") +
            " meaning the same person. Cells are enlarged to " + std::to_string(kDescriptorMinSide) +
            " px before detection; the photos' descriptors are " +
            (notes.stored_descriptors ? std::string("prep's, computed on the original photos (descriptors.safetensors).")
                                      : std::string("computed from the aligned faces (the dataset has no descriptors.safetensors).")) +
            " Each cell is compared with a different photo of P than the one it was made from.\n";
    if (notes.recognizer_conditions)
        text += "\n**The recognizer that scores is also the one that conditions:** this model's face token is the dlib "
                "descriptor of the face source, so a model can score well here by matching dlib's descriptor without "
                "looking like the person to anyone else. Check the cells by eye, or score them with another recognizer.\n";
    return text;
}

std::string photo_count_comparison_markdown(const HeldoutFigures& one_photo, const HeldoutFigures& several, std::size_t photos) {
    const std::string many = std::to_string(photos) + " photos";
    std::string text = "\n## One photo against " + many + " of each face person\n\nThe same people, cells and seeds; only the "
                       "face source differs (its token the mean of the photos' tokens; cells-one-photo/ holds the one-photo cells).\n\n"
                       "| figure | 1 photo | " + many + " | gain |\n|---|---|---|---|\n";
    const auto optional_row = [&](const std::string& name, const std::optional<double>& a, const std::optional<double>& b, double sign) {
        text += "| " + name + " | " + fixed_or(a, "n/a") + " | " + fixed_or(b, "n/a") + " | " +
                (a && b ? fixed(sign * (*b - *a), "%+.3f") : std::string("n/a")) + " |\n";
    };
    const auto share_row = [&](const std::string& name, std::size_t a, std::size_t b) {
        text += "| " + name + " | " + share_text(one_photo, a) + " | " + share_text(several, b) + " | " +
                fixed(100.0 * (several.share(b) - one_photo.share(a)), "%+.1f") + " points |\n";
    };
    optional_row("identity recovered", one_photo.recovered, several.recovered, 1.0);
    optional_row("mean kept: distance to P's reference (lower is better)", one_photo.mean_kept, several.mean_kept, -1.0);
    share_row("cells closer to P than to Q", one_photo.closer_to_face, several.closer_to_face);
    share_row("cells dlib calls P", one_photo.called_face, several.called_face);
    share_row("cells with a face found", one_photo.face_found, several.face_found);
    return text;
}

std::string heldout_evaluation_csv(const HeldoutFigures& figures, const std::vector<std::string>& face_names,
                                   const std::vector<std::string>& background_names) {
    std::string text = "face,background,face_person,background_person,generated,face_found,kept,leaked,closer_to_face,called_face,"
                       "scene_to_face,scene_to_background,scene_from_background\n";
    const auto value = [](const std::optional<double>& v) { return v ? fixed(*v, "%.9g") : std::string(); };
    const auto flag = [](bool b) { return std::string(b ? "1" : "0"); };
    for (const auto& cell : figures.cells)
        text += std::to_string(cell.face) + "," + std::to_string(cell.background) + "," + name_of(face_names, cell.face) + "," +
                name_of(background_names, cell.background) + "," + flag(cell.generated) + "," + flag(cell.face_found) + "," +
                value(cell.kept) + "," + value(cell.leaked) + "," + flag(cell.closer_to_face) + "," + flag(cell.called_face) + "," +
                value(cell.scene_to_face) + "," + value(cell.scene_to_background) + "," + flag(cell.scene_from_background) + "\n";
    return text;
}

cv::Mat heldout_evaluation_plot(const HeldoutFigures& figures, const std::vector<std::string>& face_names, const std::string& title) {
    BarChart chart;
    chart.title = title;
    chart.series = {{"distance to P's other photo (kept)", {200, 110, 30}}, {"distance to Q's photo (leaked)", {30, 140, 240}}};
    chart.lines = {{"chance", figures.chance, {60, 60, 200}},
                   {"ceiling", figures.ceiling, {60, 160, 60}},
                   {"same person", static_cast<double>(kSamePersonDistance), {150, 150, 150}}};
    chart.y_max = std::max(1.0, 1.1 * figures.chance);
    for (std::size_t f = 0; f < face_names.size(); ++f) {
        double kept = 0.0, leaked = 0.0;
        int count = 0;
        for (const auto& cell : figures.cells)
            if (cell.face == f && cell.kept && cell.leaked) {
                kept += *cell.kept;
                leaked += *cell.leaked;
                ++count;
            }
        BarGroup group{count > 0 ? "P" + std::to_string(f + 1) : "P" + std::to_string(f + 1) + ": no face", {std::nullopt, std::nullopt}};
        if (count > 0) group.values = {kept / count, leaked / count};
        chart.groups.push_back(std::move(group));
    }
    return draw_bar_chart(chart);
}

}  // namespace facemix
