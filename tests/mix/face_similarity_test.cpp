#include <cmath>
#include <stdexcept>

#include <gtest/gtest.h>
#include <ATen/ops/tensor.h>
#include <opencv2/core.hpp>

#include "common/error.h"
#include "mix/face_similarity.h"
#include "mix/mix_engine.h"
#include "support/tiny_model.h"

namespace facemix {
namespace {

cv::Mat synthetic_face(int seed, int size = 64) { return test::synthetic_source("face", seed, size).aligned; }

// The manifest's face box (given for 512 px) at `size` px, as the encoder's face crop cuts it.
cv::Rect face_box(int size) { return test::tiny_cpu_engine().manifest().conditioning.face_box.scaled_to(size).rect(); }

at::Tensor vector_of(std::vector<double> values) { return at::tensor(values, at::kDouble); }

TEST(CosineSimilarity, MatchesHandComputedAngles) {
    EXPECT_NEAR(facemix::cosine_similarity(vector_of({1, 0}), vector_of({0, 1})), 0.0, 1e-15);
    EXPECT_NEAR(facemix::cosine_similarity(vector_of({1, 2, 3}), vector_of({2, 4, 6})), 1.0, 1e-15);
    EXPECT_NEAR(facemix::cosine_similarity(vector_of({1, 2}), vector_of({-1, -2})), -1.0, 1e-15);
    EXPECT_NEAR(facemix::cosine_similarity(vector_of({3, 4}), vector_of({4, 3})), 24.0 / 25.0, 1e-15);
    // float32 inputs and any shape: the elements are what count.
    const at::Tensor a = at::tensor(std::vector<float>{1, 2, 2, 0}, at::kFloat).reshape({2, 2});
    EXPECT_NEAR(facemix::cosine_similarity(a, vector_of({2, 0, 1, 2})), 4.0 / 9.0, 1e-7);
}

TEST(CosineSimilarity, ZeroVectorHasNoSimilarityAndLengthsMustAgree) {
    EXPECT_EQ(facemix::cosine_similarity(vector_of({0, 0}), vector_of({1, 2})), 0.0);
    EXPECT_THROW(facemix::cosine_similarity(vector_of({1, 2}), vector_of({1, 2, 3})), std::invalid_argument);
}

TEST(FaceSimilarity, IdenticalFaceScoresOne) {
    const cv::Mat face = synthetic_face(11);
    EXPECT_NEAR(face_similarity(test::tiny_cpu_engine().embedder(), face, face), 1.0, 1e-6);
    // Another buffer with the same pixels, as a decoded cell would be.
    EXPECT_NEAR(face_similarity(test::tiny_cpu_engine().embedder(), face.clone(), face), 1.0, 1e-6);
}

TEST(FaceSimilarity, DifferentFaceScoresBelowOneAndTheScoreIsSymmetric) {
    const cv::Mat a = synthetic_face(11), b = synthetic_face(12), c = synthetic_face(13);
    SourceEmbedder& embedder = test::tiny_cpu_engine().embedder();
    const double ab = face_similarity(embedder, a, b);
    EXPECT_LT(ab, 1.0 - 1e-4);
    EXPECT_GE(ab, -1.0);
    EXPECT_DOUBLE_EQ(ab, face_similarity(embedder, b, a));
    EXPECT_DOUBLE_EQ(face_similarity(embedder, a, c), face_similarity(embedder, c, a));
    // Scores tell faces apart rather than being one constant for any pair.
    EXPECT_NE(ab, face_similarity(embedder, a, c));
}

TEST(FaceSimilarity, OnlyTheFaceBoxCounts) {
    SourceEmbedder& embedder = test::tiny_cpu_engine().embedder();
    const cv::Mat source = synthetic_face(21), other = synthetic_face(22);
    const cv::Rect box = face_box(source.cols);
    ASSERT_GT(box.area(), 0);
    ASSERT_LT(box.area(), source.rows * source.cols);

    // Everything outside the box replaced (hair, background, shoulders): the face crop is untouched.
    cv::Mat new_surroundings = other.clone();
    source(box).copyTo(new_surroundings(box));
    EXPECT_NEAR(face_similarity(embedder, new_surroundings, source), 1.0, 1e-6);

    // A patch inside the box replaced: the face changed, the surroundings did not.
    cv::Mat new_face = source.clone();
    const cv::Rect patch(box.x + box.width / 4, box.y + box.height / 4, box.width / 2, box.height / 2);
    other(patch).copyTo(new_face(patch));
    const double patched = face_similarity(embedder, new_face, source);
    EXPECT_LT(patched, 1.0 - 1e-4);
    // The whole face replaced moves it further than a patch of it.
    cv::Mat whole_face = source.clone();
    other(box).copyTo(whole_face(box));
    EXPECT_LT(face_similarity(embedder, whole_face, source), patched);
}

TEST(FaceSimilarity, ImagesOfAnotherSizeAreComparedByTheScaledBox) {
    // A 64 px cell against its 128 px source: the same picture scores close to 1, another face lower.
    const cv::Mat small = synthetic_face(31, 64), large = synthetic_face(31, 128), other = synthetic_face(32, 128);
    SourceEmbedder& embedder = test::tiny_cpu_engine().embedder();
    const double same = face_similarity(embedder, small, large);
    EXPECT_GT(same, face_similarity(embedder, small, other));
}

TEST(FaceSimilarity, RefusesImagesThatAreNotAlignedFaces) {
    const cv::Mat face = synthetic_face(11);
    const cv::Mat not_square(64, 48, CV_8UC3, cv::Scalar(0, 0, 0));
    EXPECT_THROW(face_similarity(test::tiny_cpu_engine().embedder(), not_square, face), InputError);
    EXPECT_THROW(face_similarity(test::tiny_cpu_engine().embedder(), face, cv::Mat()), InputError);
}

}  // namespace
}  // namespace facemix
