#include "eval/photo_identity_evaluation.h"

#include <iostream>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "align/face_aligner.h"
#include "io/image_file.h"
#include "support/test_data.h"

namespace facemix {
namespace {

// The photo's largest face aligned at 256 px, then shrunk to `size` as a small model's cell would be.
cv::Mat aligned(const std::string& file, int size = 256) {
    FaceAlignerOptions options;
    options.size = 256;
    FaceAligner aligner(options);
    const auto faces = aligner.align(load_image(test::testdata_dir() / file));
    if (faces.empty()) throw std::runtime_error("no face in " + file);
    cv::Mat out;
    cv::resize(faces.front().aligned, out, {size, size}, 0, 0, cv::INTER_AREA);
    return out;
}

// Stand-in "generated" cells that are real photos: another photo of the face source's person must be
// nearer to it than to the background source's person, and a blank cell has no face.
TEST(PhotoIdentityEvaluation, ScoresTheFaceSourcesPersonHigherAndCountsCellsWithoutFaces) {
    FaceDescriptor descriptor;
    const cv::Mat jolie = aligned("deepface_img1.jpg"), aniston = aligned("deepface_img3.jpg");
    const cv::Mat jolie_again = aligned("deepface_img2.jpg", 64), aniston_again = aligned("deepface_img12.jpg", 64);
    const std::vector<EvaluatedCell> cells = {
        {0, 0, jolie_again},                                   // Jolie kept over Aniston's background
        {1, 0, aniston_again},                                 // Aniston over Aniston: near both
        {0, 0, cv::Mat(64, 64, CV_8UC3, cv::Scalar(90, 90, 90))},  // no face
        {1, 0, cv::Mat()},                                     // failed
    };
    const PhotoIdentityEvaluation evaluation = evaluate_photo_cells(descriptor, {jolie, aniston}, {aniston}, cells);
    ASSERT_EQ(evaluation.cells.size(), 4u);
    EXPECT_EQ(evaluation.face_source_found, (std::vector<bool>{true, true}));
    EXPECT_EQ(evaluation.failed, 1u);
    EXPECT_EQ(evaluation.no_face, 1u);
    EXPECT_EQ(evaluation.measured(), 2u);
    const auto& first = evaluation.cells[0];
    ASSERT_TRUE(first.to_face && first.to_background);
    EXPECT_GT(*first.to_face, *first.to_background + 0.02f);
    const auto& second = evaluation.cells[1];
    ASSERT_TRUE(second.to_face && second.to_background);
    EXPECT_FLOAT_EQ(*second.to_face, *second.to_background);  // both sources are Aniston's photo
    EXPECT_FALSE(evaluation.cells[2].face_found);
    EXPECT_FALSE(evaluation.cells[2].to_face);
    EXPECT_EQ(evaluation.nearer_to_face(), 1u);
    EXPECT_NEAR(*evaluation.mean_to_face(), (*first.to_face + *second.to_face) / 2.0, 1e-6);

    // A cell that is its own face source scores 1.
    const auto self = evaluate_photo_cells(descriptor, {jolie}, {aniston}, {{0, 0, jolie}});
    EXPECT_NEAR(*self.cells[0].to_face, 1.0f, 1e-5f);

    const std::string markdown = photo_evaluation_markdown(evaluation, {"jolie", "aniston"}, {"aniston"});
    std::cout << markdown;
    EXPECT_NE(markdown.find("| jolie | aniston | "), std::string::npos);
    EXPECT_NE(markdown.find("| aniston | aniston | failed | failed |"), std::string::npos);
    EXPECT_NE(markdown.find("| 4 | 1 | 1 of 3 | 2 |"), std::string::npos) << markdown;
    const std::string csv = photo_evaluation_csv(evaluation);
    EXPECT_NE(csv.find("\n0,0,1,0,,\n"), std::string::npos) << csv;
    EXPECT_EQ(photo_evaluation_plot(evaluation, "test").type(), CV_8UC3);
}

}  // namespace
}  // namespace facemix
