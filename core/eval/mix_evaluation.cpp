#include "eval/mix_evaluation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "train/synthetic_dataset.h"

namespace facemix {
namespace {

std::string source_name(std::size_t identity) {
    char name[32];
    std::snprintf(name, sizeof name, "heldout%04zu", identity);
    return name;
}

LabelledSource held_out_source(std::uint64_t seed, std::size_t identity, int resolution) {
    LabelledSource source;
    source.name = source_name(identity);
    source.identity = synthetic_identity(seed, static_cast<std::int64_t>(identity));
    source.scene = synthetic_scene(seed, static_cast<std::int64_t>(identity), 0);
    source.image = synthetic_view(source.identity, source.scene, resolution);
    return source;
}

MixSource mix_source(const LabelledSource& source) {
    return MixSource{source.name + ".png", "synthetic:" + source.name, 0, source.image};
}

template <class Value>
double mean_over(const MixEvaluation& evaluation, TraitGroup group, Value value) {
    double sum = 0.0;
    std::size_t count = 0;
    for (const auto& trait : evaluation.traits)
        if (trait.group == group) {
            sum += value(trait);
            ++count;
        }
    return count > 0 ? sum / static_cast<double>(count) : 0.0;
}

const char* group_name(TraitGroup group) { return group == TraitGroup::Identity ? "identity" : "scene"; }

std::string percent(double share) {
    char text[16];
    std::snprintf(text, sizeof text, "%.1f%%", 100.0 * share);
    return text;
}

}  // namespace

SyntheticSources held_out_sources(std::uint64_t data_seed, std::size_t faces, std::size_t backgrounds, int resolution) {
    const std::uint64_t seed = held_out_synthetic_seed(data_seed);
    SyntheticSources sources;
    for (std::size_t i = 0; i < faces; ++i) sources.faces.push_back(held_out_source(seed, i, resolution));
    for (std::size_t i = 0; i < backgrounds; ++i) sources.backgrounds.push_back(held_out_source(seed, faces + i, resolution));
    return sources;
}

MixJob synthetic_evaluation_job(const SyntheticSources& sources, const SamplingSettings& settings, std::uint64_t seed) {
    MixJob job;
    for (const auto& face : sources.faces) job.faces.push_back(mix_source(face));
    for (const auto& background : sources.backgrounds) job.backgrounds.push_back(mix_source(background));
    job.settings = settings;
    job.cells = grid_cells(job.faces.size(), job.backgrounds.size(), seed, SeedPolicy::PerCell);
    return job;
}

double TraitAgreement::recovered() const {
    const double span = ceiling - chance;
    return span >= kMinReadableMargin ? (kept() - chance) / span : 0.0;
}

double MixEvaluation::mean_kept(TraitGroup group) const {
    return mean_over(*this, group, [](const TraitAgreement& t) { return t.kept(); });
}
double MixEvaluation::mean_leaked(TraitGroup group) const {
    return mean_over(*this, group, [](const TraitAgreement& t) { return t.leaked(); });
}
double MixEvaluation::mean_ceiling(TraitGroup group) const {
    return mean_over(*this, group, [](const TraitAgreement& t) { return t.ceiling; });
}
double MixEvaluation::mean_chance(TraitGroup group) const {
    return mean_over(*this, group, [](const TraitAgreement& t) { return t.chance; });
}
double MixEvaluation::mean_recovered(TraitGroup group) const {
    double sum = 0.0;
    std::size_t count = 0;
    for (const auto& trait : traits)
        if (trait.group == group && trait.readable()) {
            sum += trait.recovered();
            ++count;
        }
    return count > 0 ? sum / static_cast<double>(count) : 0.0;
}

MixEvaluation evaluate_cells(const TraitClassifier& classifier, const std::vector<double>& ceiling,
                             const SyntheticSources& sources, const std::vector<EvaluatedCell>& cells) {
    const auto& traits = classified_traits();
    if (ceiling.size() != traits.size()) throw std::invalid_argument("evaluate_cells: one ceiling per classified trait");
    std::vector<cv::Mat> images;
    std::vector<const EvaluatedCell*> generated;
    MixEvaluation evaluation;
    evaluation.cells = cells.size();
    for (const auto& cell : cells) {
        if (cell.face >= sources.faces.size() || cell.background >= sources.backgrounds.size())
            throw std::invalid_argument("evaluate_cells: a cell names a source that is not there");
        if (cell.image.empty()) {
            ++evaluation.failed;
            continue;
        }
        images.push_back(cell.image);
        generated.push_back(&cell);
    }
    const auto predicted = classifier.classify(images);
    for (std::size_t t = 0; t < traits.size(); ++t) {
        TraitAgreement agreement;
        agreement.name = traits[t].name;
        agreement.group = traits[t].group;
        agreement.ceiling = ceiling[t];
        agreement.chance = traits[t].chance;
        std::size_t face_hits = 0, background_hits = 0;
        for (std::size_t i = 0; i < generated.size(); ++i) {
            const LabelledSource& face = sources.faces[generated[i]->face];
            const LabelledSource& background = sources.backgrounds[generated[i]->background];
            if (traits[t].visible(face.scene)) {
                ++agreement.face_cells;
                face_hits += predicted[i][t] == traits[t].label(face.identity, face.scene) ? 1 : 0;
            }
            if (traits[t].visible(background.scene)) {
                ++agreement.background_cells;
                background_hits += predicted[i][t] == traits[t].label(background.identity, background.scene) ? 1 : 0;
            }
        }
        if (agreement.face_cells > 0) agreement.matches_face = static_cast<double>(face_hits) / static_cast<double>(agreement.face_cells);
        if (agreement.background_cells > 0)
            agreement.matches_background = static_cast<double>(background_hits) / static_cast<double>(agreement.background_cells);
        evaluation.traits.push_back(agreement);
    }
    return evaluation;
}

std::string evaluation_markdown(const MixEvaluation& evaluation) {
    std::string text = "| trait | kind | cells (face/bg) | matches face | matches background | ceiling | chance | recovered |\n"
                       "|---|---|---|---|---|---|---|---|\n";
    for (const auto& t : evaluation.traits) {
        char recovered[16];
        std::snprintf(recovered, sizeof recovered, "%.2f", t.recovered());
        if (!t.readable()) std::snprintf(recovered, sizeof recovered, "n/a");
        text += "| " + t.name + " | " + group_name(t.group) + " | " + std::to_string(t.face_cells) + "/" +
                std::to_string(t.background_cells) + " | " + percent(t.matches_face) + " | " + percent(t.matches_background) +
                " | " + percent(t.ceiling) + " | " + percent(t.chance) + " | " + recovered + " |\n";
    }
    text += "\n" + std::to_string(evaluation.cells) + " cells, " + std::to_string(evaluation.failed) + " failed.\n\n";
    text += "| traits | kept (mean) | leaked (mean) | ceiling (mean) | chance (mean) | recovered (mean) |\n"
            "|---|---|---|---|---|---|\n";
    for (const TraitGroup group : {TraitGroup::Identity, TraitGroup::Scene}) {
        char recovered[16];
        std::snprintf(recovered, sizeof recovered, "%.2f", evaluation.mean_recovered(group));
        text += std::string("| ") + group_name(group) + (group == TraitGroup::Identity ? " (from the face)" : " (from the background)") +
                " | " + percent(evaluation.mean_kept(group)) + " | " + percent(evaluation.mean_leaked(group)) + " | " +
                percent(evaluation.mean_ceiling(group)) + " | " + percent(evaluation.mean_chance(group)) + " | " + recovered + " |\n";
    }
    text += "\nkept: share of cells classified as the source the trait should come from; leaked: as the other source; "
            "ceiling: the classifier's accuracy on real renders of held-out identities; chance: the most common value's "
            "share; recovered: (kept - chance) / (ceiling - chance), n/a (and left out of its mean) where the ceiling is "
            "under 5 points above chance: the classifier cannot read that trait at this size.\n";
    return text;
}

std::string evaluation_csv(const MixEvaluation& evaluation) {
    std::string text = "trait,kind,face_cells,background_cells,matches_face,matches_background,ceiling,chance\n";
    for (const auto& t : evaluation.traits) {
        char row[256];
        std::snprintf(row, sizeof row, "%s,%s,%zu,%zu,%.17g,%.17g,%.17g,%.17g\n", t.name.c_str(), group_name(t.group), t.face_cells,
                      t.background_cells, t.matches_face, t.matches_background, t.ceiling, t.chance);
        text += row;
    }
    return text;
}

cv::Mat evaluation_plot(const MixEvaluation& evaluation, const std::string& title) {
    constexpr int kBar = 9, kGap = 12, kLeft = 56, kRight = 16, kTop = 70, kPlot = 300, kLabels = 170;
    const int groups = static_cast<int>(evaluation.traits.size());
    const int group_width = 4 * kBar + kGap;
    const int width = std::max(kLeft + groups * group_width + kRight, 640);
    const int height = kTop + kPlot + kLabels;
    cv::Mat plot(height, width, CV_8UC3, cv::Scalar(255, 255, 255));
    const cv::Scalar ink(40, 40, 40), grid(220, 220, 220);
    // BGR: face blue, background orange, ceiling green, chance grey.
    const cv::Scalar colours[4] = {{200, 110, 30}, {30, 140, 240}, {80, 170, 60}, {150, 150, 150}};
    const char* legend[4] = {"matches face", "matches background", "ceiling", "chance"};
    const int font = cv::FONT_HERSHEY_SIMPLEX;
    cv::putText(plot, title, {kLeft, 24}, font, 0.55, ink, 1, cv::LINE_AA);
    int x = kLeft;
    for (int k = 0; k < 4; ++k) {
        cv::rectangle(plot, cv::Rect(x, 38, 12, 12), colours[k], cv::FILLED);
        cv::putText(plot, legend[k], {x + 16, 49}, font, 0.45, ink, 1, cv::LINE_AA);
        int baseline = 0;
        x += 16 + cv::getTextSize(legend[k], font, 0.45, 1, &baseline).width + 18;
    }
    const int bottom = kTop + kPlot;
    for (int tick = 0; tick <= 4; ++tick) {
        const int y = bottom - tick * kPlot / 4;
        cv::line(plot, {kLeft - 4, y}, {width - kRight, y}, tick == 0 ? ink : grid, 1);
        cv::putText(plot, std::to_string(tick * 25) + "%", {6, y + 5}, font, 0.42, ink, 1, cv::LINE_AA);
    }
    for (int g = 0; g < groups; ++g) {
        const TraitAgreement& t = evaluation.traits[static_cast<std::size_t>(g)];
        const int left = kLeft + g * group_width + kGap / 2;
        if (g > 0 && t.group != evaluation.traits[static_cast<std::size_t>(g - 1)].group)
            cv::line(plot, {left - kGap / 2, kTop}, {left - kGap / 2, bottom + kLabels - 4}, ink, 1);
        const double values[4] = {t.matches_face, t.matches_background, t.ceiling, t.chance};
        for (int k = 0; k < 4; ++k) {
            const int bar_height = static_cast<int>(std::lround(std::clamp(values[k], 0.0, 1.0) * kPlot));
            if (bar_height > 0) cv::rectangle(plot, cv::Rect(left + k * kBar, bottom - bar_height, kBar - 1, bar_height), colours[k], cv::FILLED);
        }
        // The trait's name, written bottom-up under its bars; identity traits marked with a star.
        const std::string label = (t.group == TraitGroup::Identity ? "* " : "") + t.name;
        int baseline = 0;
        const cv::Size size = cv::getTextSize(label, font, 0.42, 1, &baseline);
        cv::Mat text(size.height + baseline + 4, std::min(size.width + 4, kLabels - 26), CV_8UC3, cv::Scalar(255, 255, 255));
        cv::putText(text, label, {2, size.height + 2}, font, 0.42, ink, 1, cv::LINE_AA);
        cv::Mat rotated;
        cv::rotate(text, rotated, cv::ROTATE_90_COUNTERCLOCKWISE);
        const int rx = std::min(left + 2 * kBar - rotated.cols / 2, width - rotated.cols);
        rotated.copyTo(plot(cv::Rect(std::max(rx, 0), bottom + 6, rotated.cols, rotated.rows)));
    }
    cv::putText(plot, "* identity trait (should match the face); others: scene traits (should match the background)",
                {kLeft, height - 8}, font, 0.4, ink, 1, cv::LINE_AA);
    return plot;
}

}  // namespace facemix
