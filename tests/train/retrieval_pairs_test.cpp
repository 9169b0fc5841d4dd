#include "common/error.h"
#include "support/test_data.h"
#include "train/face_pair_dataset.h"
#include "train/retrieval_pairs.h"
#include "train/synthetic_dataset.h"

#include <algorithm>
#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

namespace facemix {
namespace {

using Pair = std::pair<std::int64_t, std::int64_t>;

// A face at (x, y) in the first two descriptor dimensions, with a thumbnail of its own pattern `look`
// (faces with the same look have the same thumbnail, different looks are far apart).
RetrievalFace face_at(float x, float y, int look) {
    RetrievalFace face{};
    face.descriptor[0] = x;
    face.descriptor[1] = y;
    face.thumbnail[static_cast<std::size_t>(look)] = 1.0f;
    return face;
}

std::set<Pair> both_ways(std::initializer_list<Pair> pairs) {
    std::set<Pair> result;
    for (const auto& [a, b] : pairs) result.insert({a, b}), result.insert({b, a});
    return result;
}

TEST(RetrievalPairs, ThumbnailIgnoresExposureButNotContent) {
    cv::Mat face(64, 64, CV_8UC3);
    cv::randu(face, 0, 200);
    cv::Mat brighter;
    face.convertTo(brighter, -1, 1.2, 10);  // contrast and brightness change only
    cv::Mat other(64, 64, CV_8UC3);
    cv::randu(other, 0, 200);
    const FaceThumbnail a = face_thumbnail(face);
    EXPECT_LT(thumbnail_distance(a, face_thumbnail(brighter)), 0.02f);
    EXPECT_GT(thumbnail_distance(a, face_thumbnail(other)), 0.5f);
    float norm = 0;
    for (float v : a) norm += v * v;
    EXPECT_NEAR(norm, 1.0f, 1e-4f);
}

// Two people 1.0 apart, and a face between them (0.5 from each): single linkage (connected components
// at 0.6) would chain both people into one identity through it; average linkage keeps them apart.
TEST(RetrievalPairs, AFaceBetweenTwoPeopleDoesNotChainThemTogether) {
    const std::vector<RetrievalFace> faces = {face_at(0.0f, 0.0f, 0),  face_at(0.0f, 0.3f, 1), face_at(0.1f, 0.15f, 2),
                                              face_at(1.0f, 0.0f, 3),  face_at(1.0f, 0.3f, 4), face_at(0.9f, 0.15f, 5),
                                              face_at(0.5f, 0.15f, 6)};
    const RetrievalPairs result = build_retrieval_pairs(faces);
    EXPECT_EQ(result.identity[0], result.identity[1]);
    EXPECT_EQ(result.identity[0], result.identity[2]);
    EXPECT_EQ(result.identity[3], result.identity[4]);
    EXPECT_EQ(result.identity[3], result.identity[5]);
    EXPECT_NE(result.identity[0], result.identity[3]);
    EXPECT_EQ(result.identity[0], 0);  // numbered by first appearance
    EXPECT_GE(result.identities, 2);
    EXPECT_LE(result.identities, 3);
}

TEST(RetrievalPairs, PairsAreSameIdentityAndNeverNearDuplicates) {
    const std::vector<RetrievalFace> faces = {
        face_at(0.0f, 0.0f, 0),   // 0: person A
        face_at(0.4f, 0.0f, 1),   // 1: person A, another photo
        face_at(0.0f, 0.4f, 1),   // 2: person A, same look as 1 (a re-crop of that photo)
        face_at(0.05f, 0.0f, 2),  // 3: person A, descriptor next to 0 (a neighbouring video frame)...
        face_at(0.10f, 0.0f, 3),  // 4: ...and the next frame, near 3 but further than the threshold from 0
        face_at(3.0f, 0.0f, 4),   // 5: person B, alone
        face_at(6.0f, 0.0f, 5),   // 6: person C
        face_at(6.0f, 0.5f, 6),   // 7: person C
    };
    RetrievalThresholds thresholds;
    thresholds.duplicate_descriptor = 0.08f;
    thresholds.duplicate_thumbnail = 0.2f;
    const RetrievalPairs result = build_retrieval_pairs(faces, thresholds);
    ASSERT_EQ(result.identities, 3);
    EXPECT_EQ(result.identity, (std::vector<std::int64_t>{0, 0, 0, 0, 0, 1, 2, 2}));
    // Near-duplicate groups of A: {0, 3, 4} (descriptor chain) and {1, 2} (thumbnail).
    EXPECT_EQ(std::set<Pair>(result.near_duplicates.begin(), result.near_duplicates.end()),
              both_ways({{0, 3}, {0, 4}, {3, 4}, {1, 2}}));
    EXPECT_EQ(std::set<Pair>(result.pairs.begin(), result.pairs.end()),
              both_ways({{0, 1}, {0, 2}, {3, 1}, {3, 2}, {4, 1}, {4, 2}, {6, 7}}));
    EXPECT_TRUE(std::is_sorted(result.pairs.begin(), result.pairs.end()));
}

TEST(RetrievalPairs, NoFacesOrOneFace) {
    EXPECT_EQ(build_retrieval_pairs({}).identities, 0);
    const RetrievalPairs one = build_retrieval_pairs({face_at(0, 0, 0)});
    EXPECT_EQ(one.identities, 1);
    EXPECT_TRUE(one.pairs.empty());
}

// With pairs.csv, FacePairDataset takes face sources only from an image's listed partners.
TEST(RetrievalPairs, FacePairDatasetDrawsSourcesFromPairsCsv) {
    test::TempDir folder;
    SyntheticDatasetOptions options;
    options.output = folder.path();
    options.identities = 3;
    options.renders = 3;
    options.size = 64;
    options.seed = 2;
    write_synthetic_dataset(options);

    const FacePairDataset without(folder.path(), 0, 0);
    EXPECT_FALSE(without.has_pair_list());
    EXPECT_EQ(without.retrieval_partners(0).size(), 2u);

    // Render 0 and 1 of each identity are partners; render 2 has none (as if a near-copy of render 0).
    {
        std::ofstream pairs(folder.path() / "pairs.csv");
        pairs << "image,partner\n";
        for (std::int64_t id = 0; id < 3; ++id)
            pairs << synthetic_image_name(id, 0) << "," << synthetic_image_name(id, 1) << "\n"
                  << synthetic_image_name(id, 1) << "," << synthetic_image_name(id, 0) << "\n";
    }
    const FacePairDataset with(folder.path(), 0, 0);
    ASSERT_TRUE(with.has_pair_list());
    const FacePairBatch batch = with.sample(7, 400, 1.0);
    int retrieved = 0;
    for (std::size_t i = 0; i < batch.images.size(); ++i) {
        const std::string target = with.file(batch.images[i]), source = with.file(batch.sources[i]);
        const auto partners = with.retrieval_partners(batch.images[i]);
        if (partners.empty()) {
            EXPECT_EQ(source, target);
        } else {
            ASSERT_EQ(partners.size(), 1u);
            EXPECT_EQ(batch.sources[i], partners[0]) << target;
            ++retrieved;
        }
    }
    EXPECT_GT(retrieved, 200);  // about 2/3 of 400 targets have a partner

    std::ofstream(folder.path() / "pairs.csv") << "image,partner\nnot_there.png," << synthetic_image_name(0, 0) << "\n";
    try {
        FacePairDataset broken(folder.path(), 0, 0);
        ADD_FAILURE() << "a pair naming an unknown image was accepted";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("pairs.csv line 2"), std::string::npos) << error.what();
    }
}

}  // namespace
}  // namespace facemix
