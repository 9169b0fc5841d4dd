#include "eval/heldout_identity_evaluation.h"

#include <cmath>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "align/face_split.h"

namespace facemix {
namespace {

// A descriptor with the given values on the first two axes: distances are then plain 2-D geometry.
FaceDescriptorVector at(float x, float y) {
    FaceDescriptorVector v{};
    v[0] = x;
    v[1] = y;
    return v;
}

HeldoutCellMeasure cell(std::optional<FaceDescriptorVector> descriptor, std::optional<double> scene_to_face,
                        std::optional<double> scene_to_background, bool generated = true) {
    HeldoutCellMeasure measure;
    measure.generated = generated;
    measure.descriptor = descriptor;
    measure.scene_to_face = scene_to_face;
    measure.scene_to_background = scene_to_background;
    return measure;
}

// Two people: P (source at the origin, reference 0.4 along x) and Q (source 1 along y, reference 0.2
// further along x). Four cells: P's reference itself, Q's reference itself, one without a face, one failed.
TEST(HeldoutIdentityEvaluation, FiguresFromHandMadeDescriptors) {
    const std::vector<HeldoutPersonDescriptors> faces = {{at(0, 0), at(0.4f, 0)}};
    const std::vector<HeldoutPersonDescriptors> backgrounds = {{at(0, 1), at(0.2f, 1)}};
    const std::vector<HeldoutCellMeasure> cells = {
        cell(at(0.4f, 0), 20.0, 10.0),  // P exactly, scene from Q
        cell(at(0.2f, 1), 5.0, 30.0),   // Q exactly, scene from P
        cell(std::nullopt, 20.0, 10.0), // no face, scene from Q
        cell(std::nullopt, std::nullopt, std::nullopt, false),  // failed
    };
    const HeldoutFigures figures = heldout_identity_figures(faces, backgrounds, cells);

    const double ceiling = (0.4 + 0.2) / 2.0;
    const double chance = (1.0 + std::sqrt(1.04) + std::sqrt(1.16) + std::sqrt(1.04)) / 4.0;
    const double p_to_q = std::sqrt(0.04 + 1.0);  // P's reference to Q's reference
    EXPECT_NEAR(figures.ceiling, ceiling, 1e-6);
    EXPECT_NEAR(figures.chance, chance, 1e-6);
    const double mean_kept = (0.0 + p_to_q + chance + chance) / 4.0;  // no face and failed count as chance
    EXPECT_NEAR(figures.mean_kept, mean_kept, 1e-6);
    ASSERT_TRUE(figures.recovered);
    EXPECT_NEAR(*figures.recovered, (chance - mean_kept) / (chance - ceiling), 1e-6);
    EXPECT_NEAR(*figures.mean_kept_found, p_to_q / 2.0, 1e-6);
    EXPECT_NEAR(*figures.mean_leaked_found, p_to_q / 2.0, 1e-6);

    EXPECT_EQ(figures.generated, 3u);
    EXPECT_EQ(figures.face_found, 2u);
    EXPECT_EQ(figures.closer_to_face, 1u);
    EXPECT_EQ(figures.called_face, 1u);
    EXPECT_EQ(figures.scene_from_background, 2u);
    EXPECT_NEAR(figures.share(figures.face_found), 0.5, 1e-6);
    EXPECT_NEAR(figures.share(figures.closer_to_face), 0.25, 1e-6);
    EXPECT_NEAR(figures.share(figures.scene_from_background), 0.5, 1e-6);

    ASSERT_EQ(figures.cells.size(), 4u);
    EXPECT_NEAR(*figures.cells[0].kept, 0.0, 1e-6);
    EXPECT_NEAR(*figures.cells[0].leaked, p_to_q, 1e-6);
    EXPECT_TRUE(figures.cells[0].called_face);
    EXPECT_FALSE(figures.cells[1].closer_to_face);
    EXPECT_FALSE(figures.cells[2].face_found);
    EXPECT_FALSE(figures.cells[2].kept);
    EXPECT_FALSE(figures.cells[3].generated);
    EXPECT_FALSE(figures.cells[3].scene_from_background);

    // The report: every goal marked, the recognizer named, one CSV row per cell.
    const std::string markdown = heldout_evaluation_markdown(figures, {"Pat"}, {"Quinn"}, {});
    EXPECT_NE(markdown.find("dlib face-recognition ResNet v1"), std::string::npos);
    EXPECT_NE(markdown.find("| cells with a face found | 50.0% (2 of 4) | ≥ 95% | not met |"), std::string::npos) << markdown;
    EXPECT_NE(markdown.find("| Pat | Quinn | no face | no face |"), std::string::npos) << markdown;
    EXPECT_NE(markdown.find("| Pat | Quinn | failed | failed | failed |"), std::string::npos) << markdown;
    EXPECT_EQ(markdown.find("also the one that conditions"), std::string::npos);
    HeldoutReportNotes conditioned;
    conditioned.recognizer_conditions = true;
    EXPECT_NE(heldout_evaluation_markdown(figures, {"Pat"}, {"Quinn"}, conditioned).find("also the one that conditions"), std::string::npos);
    const std::string csv = heldout_evaluation_csv(figures, {"Pat"}, {"Quinn"});
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 5);
    EXPECT_NE(csv.find("\n0,0,Pat,Quinn,1,0,,,0,0,20,10,1\n"), std::string::npos) << csv;
    EXPECT_EQ(heldout_evaluation_plot(figures, {"Pat"}, "test").type(), CV_8UC3);
}

// When the chosen people's photos are no further apart across people than within, nothing can be
// recovered and the figure says so instead of dividing by zero.
TEST(HeldoutIdentityEvaluation, NoRecoveredFigureWhenChanceIsNotAboveTheCeiling) {
    const std::vector<HeldoutPersonDescriptors> people = {{at(0, 0), at(0, 0)}};
    const HeldoutFigures figures = heldout_identity_figures(people, people, {cell(at(0, 0), 1.0, 2.0)});
    EXPECT_NEAR(figures.chance, 0.0, 1e-9);
    EXPECT_FALSE(figures.recovered);
    EXPECT_NE(heldout_evaluation_markdown(figures, {"A"}, {"B"}, {}).find("n/a"), std::string::npos);
    EXPECT_THROW(heldout_identity_figures(people, {}, {}), std::invalid_argument);
    HeldoutCellMeasure stray = cell(at(0, 0), 1.0, 2.0);
    stray.background = 1;
    EXPECT_THROW(heldout_identity_figures(people, people, {stray}), std::invalid_argument);
}

// The scene compares only what lies outside the face box: a cell with Q's surroundings and P's face is
// from Q, whatever its face box holds.
TEST(HeldoutIdentityEvaluation, SceneDifferenceLooksOutsideTheFaceBoxOnly) {
    const cv::Mat p(128, 128, CV_8UC3, cv::Scalar(200, 200, 200)), q(64, 64, CV_8UC3, cv::Scalar(40, 60, 80));
    cv::Mat mixed(32, 32, CV_8UC3, cv::Scalar(40, 60, 80));
    mixed(face_box(32)).setTo(cv::Scalar(200, 200, 200));
    EXPECT_NEAR(scene_difference(mixed, q), 0.0, 1e-9);
    EXPECT_NEAR(scene_difference(mixed, p), (160.0 + 140.0 + 120.0) / 3.0, 1e-9);
}

}  // namespace
}  // namespace facemix
