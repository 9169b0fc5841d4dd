#include "eval/mix_evaluation.h"

#include <algorithm>
#include <chrono>
#include <iostream>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "eval/trained_classifier.h"
#include "mix/mix_engine.h"
#include "support/tiny_model.h"
#include "train/synthetic_dataset.h"

namespace facemix {
namespace {

constexpr std::uint64_t kDataSeed = 21;  // test_classifier_config().data_seed

const std::vector<double>& test_ceiling() {
    static const std::vector<double> ceiling = [] {
        const OneIntraOpThread one_thread;
        return test::trained_test_classifier().held_out_accuracy(512);
    }();
    return ceiling;
}

// A stand-in generator that does exactly what a perfect mixer would: the face source's identity drawn
// in the background source's scene (or, swapped, the other way round).
std::vector<EvaluatedCell> rendered_cells(const SyntheticSources& sources, bool swapped) {
    std::vector<EvaluatedCell> cells;
    for (std::size_t f = 0; f < sources.faces.size(); ++f)
        for (std::size_t b = 0; b < sources.backgrounds.size(); ++b) {
            const LabelledSource& face = sources.faces[f];
            const LabelledSource& background = sources.backgrounds[b];
            cells.push_back({f, b, swapped ? synthetic_view(background.identity, face.scene, 32)
                                           : synthetic_view(face.identity, background.scene, 32)});
        }
    return cells;
}

TEST(MixEvaluation, HeldOutSourcesAreDistinctUnseenIdentities) {
    const SyntheticSources sources = held_out_sources(kDataSeed, 3, 2, 32);
    ASSERT_EQ(sources.faces.size(), 3u);
    ASSERT_EQ(sources.backgrounds.size(), 2u);
    EXPECT_EQ(sources.faces[0].identity, synthetic_identity(held_out_synthetic_seed(kDataSeed), 0));
    EXPECT_EQ(sources.backgrounds[0].identity, synthetic_identity(held_out_synthetic_seed(kDataSeed), 3));
    EXPECT_EQ(sources.faces[1].image.size(), cv::Size(32, 32));
    const MixJob job = synthetic_evaluation_job(sources, SamplingSettings{}, 5);
    ASSERT_EQ(job.cells.size(), 6u);
    EXPECT_EQ(job.faces[2].aligned.data, sources.faces[2].image.data);
    EXPECT_EQ(job.cells[5].seed, 10u);
}

// A perfect mixer scores the classifier's ceiling; the same images with the roles swapped keep nothing
// and leak everything. This checks the bookkeeping of which source each trait is compared with.
TEST(MixEvaluation, PerfectMixScoresNearTheCeilingAndASwappedOneLeaks) {
    const OneIntraOpThread one_thread;
    const TraitClassifier& classifier = test::trained_test_classifier();
    const SyntheticSources sources = held_out_sources(kDataSeed, 6, 6, 32);
    const MixEvaluation perfect = evaluate_cells(classifier, test_ceiling(), sources, rendered_cells(sources, false));
    const MixEvaluation swapped = evaluate_cells(classifier, test_ceiling(), sources, rendered_cells(sources, true));
    std::cout << evaluation_markdown(perfect);
    EXPECT_EQ(perfect.cells, 36u);
    EXPECT_EQ(perfect.failed, 0u);
    for (const TraitGroup group : {TraitGroup::Identity, TraitGroup::Scene}) {
        EXPECT_NEAR(perfect.mean_kept(group), perfect.mean_ceiling(group), 0.1);
        EXPECT_LT(perfect.mean_leaked(group), perfect.mean_chance(group) + 0.15);
        EXPECT_NEAR(swapped.mean_leaked(group), perfect.mean_kept(group), 0.15);
        EXPECT_LT(swapped.mean_kept(group), swapped.mean_chance(group) + 0.15);
    }
    // Measured at 32 px: scene kept 60% vs ceiling 66%, identity 36% vs 33% (its ceiling is near chance:
    // eyes, noses and brows are a pixel or two). The traits the classifier reads well come through.
    EXPECT_GT(perfect.mean_recovered(TraitGroup::Scene), 0.7);
    for (const auto& trait : perfect.traits) {
        if (trait.name == "shirt_colour") {
            EXPECT_GT(trait.kept(), 0.85);
        }
        if (trait.name == "skin_tone") {
            EXPECT_GT(trait.kept(), 0.5);
        }
    }

    // Failed cells are counted and left out.
    auto cells = rendered_cells(sources, false);
    cells[0].image = cv::Mat();
    const MixEvaluation with_failure = evaluate_cells(classifier, test_ceiling(), sources, cells);
    EXPECT_EQ(with_failure.failed, 1u);
    EXPECT_EQ(with_failure.traits[0].face_cells, 35u);
}

std::vector<EvaluatedCell> generate(MixEngine& engine, const SyntheticSources& sources) {
    SamplingSettings settings;
    settings.steps = 4;
    const MixJob job = synthetic_evaluation_job(sources, settings, 100);
    std::vector<EvaluatedCell> cells;
    engine.run(job, {[&](const CellResult& result) { cells.push_back({result.request.row, result.request.column, result.image}); }, {}},
               std::stop_token());
    return cells;
}

// The tiny bundle has random weights: its cells carry nothing of the face, so identity traits match the
// face source about as often as chance, far under the ceiling. A second run gives the same numbers.
TEST(MixEvaluation, RandomModelKeepsNothingAndRerunsReproduceTheNumbers) {
    const OneIntraOpThread one_thread;
    const TraitClassifier& classifier = test::trained_test_classifier();
    MixEngine engine(test::tiny_bundle(), "tiny", resolve_compute_target("cpu", "fp32"));
    const int resolution = static_cast<int>(engine.manifest().native_resolution);
    ASSERT_EQ(resolution, classifier.config().resolution);
    const SyntheticSources sources = held_out_sources(kDataSeed, 6, 6, resolution);
    const auto start = std::chrono::steady_clock::now();
    const MixEvaluation first = evaluate_cells(classifier, test_ceiling(), sources, generate(engine, sources));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const MixEvaluation second = evaluate_cells(classifier, test_ceiling(), sources, generate(engine, sources));
    std::cout << evaluation_markdown(first) << "generate + classify 36 cells: " << seconds << " s\n";
    EXPECT_EQ(first.cells, 36u);
    EXPECT_EQ(first.failed, 0u);
    EXPECT_EQ(evaluation_csv(first), evaluation_csv(second));
    EXPECT_LT(first.mean_kept(TraitGroup::Identity), first.mean_chance(TraitGroup::Identity) + 0.15);
    EXPECT_LT(first.mean_kept(TraitGroup::Identity), first.mean_ceiling(TraitGroup::Identity) - 0.15);
    EXPECT_LT(first.mean_recovered(TraitGroup::Identity), 0.3);
}

TEST(MixEvaluation, TableCsvAndPlotShowEveryTrait) {
    MixEvaluation evaluation;
    for (const auto& trait : classified_traits()) {
        TraitAgreement agreement;
        agreement.name = trait.name;
        agreement.group = trait.group;
        agreement.face_cells = agreement.background_cells = 4;
        agreement.matches_face = 0.75;
        agreement.matches_background = 0.25;
        agreement.ceiling = 0.9;
        agreement.chance = trait.chance;
        evaluation.traits.push_back(agreement);
    }
    evaluation.cells = 4;
    const std::string csv = evaluation_csv(evaluation);
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 21);
    EXPECT_NE(csv.find("skin_tone,identity,4,4,0.75,0.25,0.90000000000000002,0.125\n"), std::string::npos);
    const std::string markdown = evaluation_markdown(evaluation);
    EXPECT_NE(markdown.find("| skin_tone | identity | 4/4 | 75.0% | 25.0% | 90.0% | 12.5% | 0.81 |"), std::string::npos);
    EXPECT_NE(markdown.find("| identity (from the face) | 75.0% | 25.0% |"), std::string::npos);
    EXPECT_NE(markdown.find("| scene (from the background) | 25.0% | 75.0% |"), std::string::npos);
    const cv::Mat plot = evaluation_plot(evaluation, "test");
    EXPECT_EQ(plot.type(), CV_8UC3);
    EXPECT_GE(plot.cols, 20 * 4 * 9);
    // The first trait's "matches face" bar (blue) reaches 75% of the plot height.
    EXPECT_EQ(plot.at<cv::Vec3b>(70 + 300 - 200, 56 + 6 + 3), cv::Vec3b(200, 110, 30));
    EXPECT_EQ(plot.at<cv::Vec3b>(70 + 300 - 240, 56 + 6 + 3), cv::Vec3b(255, 255, 255));
}

}  // namespace
}  // namespace facemix
