// Casting: the job of one source against many, the ranking by identity kept, and its sheet and CSV.

#include "mix/casting.h"

#include <cmath>
#include <fstream>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "align/face_aligner.h"
#include "common/error.h"
#include "identity/face_descriptor.h"
#include "io/image_file.h"
#include "mix/contact_sheet.h"
#include "support/test_data.h"

namespace facemix {
namespace {

MixSource aligned_source(const std::string& file) {
    FaceAlignerOptions options;
    options.size = 256;
    FaceAligner aligner(options);
    const auto faces = aligner.align(load_image(test::testdata_dir() / file));
    if (faces.empty()) throw std::runtime_error("no face in " + file);
    MixSource source;
    source.file = file;
    source.aligned = faces.front().aligned;
    return source;
}

MixSource named(const std::string& file, cv::Mat aligned = {}) {
    MixSource source;
    source.file = file;
    source.aligned = std::move(aligned);
    return source;
}

cv::Mat solid(int side, cv::Vec3b colour) { return cv::Mat(side, side, CV_8UC3, cv::Scalar(colour[0], colour[1], colour[2])); }

TEST(CastJob, OneFaceAcrossTheBackgroundsOrOneBackgroundUnderTheFaces) {
    const MixSource a = named("a.png"), b = named("b.png"), c = named("c.png");
    const MixJob row = cast_job(CastDirection::FaceOnBackgrounds, a, {b, c}, 7, SeedPolicy::Fixed);
    ASSERT_EQ(row.faces.size(), 1u);
    ASSERT_EQ(row.backgrounds.size(), 2u);
    ASSERT_EQ(row.cells.size(), 2u);
    EXPECT_EQ(row.cells[1].column, 1u);
    EXPECT_EQ(row.cells[1].seed, 7u);  // one seed: only the background changes
    EXPECT_EQ(cast_index(CastDirection::FaceOnBackgrounds, row.cells[1]), 1u);

    const MixJob column = cast_job(CastDirection::BackgroundWithFaces, a, {b, c}, 7, SeedPolicy::PerCell);
    ASSERT_EQ(column.faces.size(), 2u);
    EXPECT_EQ(column.faces[1].file, "c.png");
    EXPECT_EQ(column.backgrounds.at(0).file, "a.png");
    EXPECT_EQ(column.cells[1].row, 1u);
    EXPECT_EQ(column.cells[1].seed, 8u);
    EXPECT_EQ(cast_index(CastDirection::BackgroundWithFaces, column.cells[1]), 1u);
    EXPECT_THROW(cast_job(CastDirection::FaceOnBackgrounds, a, {}, 0, SeedPolicy::Fixed), InputError);
}

TEST(CastPhotos, FoldersAreTheirPhotosOneByOneAndAnEmptyFolderIsRefused) {
    test::TempDir dir;
    std::filesystem::create_directories(dir.path() / "bg");
    std::filesystem::create_directories(dir.path() / "empty");
    for (const char* name : {"b.png", "a.jpg", "notes.txt"}) std::ofstream(dir.path() / "bg" / name) << "x";
    const auto photos = cast_photo_files({(dir.path() / "bg").string()});
    ASSERT_EQ(photos.size(), 2u);
    EXPECT_EQ(photos[0].filename(), "a.jpg");
    try {
        cast_photo_files({(dir.path() / "empty").string()});
        FAIL() << "an empty folder was accepted";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("holds no photos"), std::string::npos) << error.what();
    }
}

// Stand-in cells that are real photos: the face source itself must rank first (cosine 1), another
// person after it, and a failed cell and one without a face last, in their sources' order.
TEST(RankCast, BestFirstByDescriptorCosineToTheFaceSourceThenTheCellsWithoutAScore) {
    FaceDescriptor descriptor;
    const MixSource jolie = aligned_source("deepface_img1.jpg");
    const MixSource aniston = aligned_source("deepface_img3.jpg");
    const MixJob job = cast_job(CastDirection::FaceOnBackgrounds, jolie, {named("w.png"), named("x.png"), named("y.png"), named("z.png")},
                                0, SeedPolicy::Fixed);
    const std::vector<cv::Mat> cells = {solid(64, {200, 200, 200}), aniston.aligned, cv::Mat(), jolie.aligned};
    const std::vector<CastEntry> ranked = rank_cast(descriptor, job, CastDirection::FaceOnBackgrounds, cells);
    ASSERT_EQ(ranked.size(), 4u);
    EXPECT_EQ(ranked[0].source, "z.png");
    ASSERT_TRUE(ranked[0].identity);
    EXPECT_NEAR(*ranked[0].identity, 1.0f, 1e-5f);
    EXPECT_EQ(ranked[1].source, "x.png");
    ASSERT_TRUE(ranked[1].identity);
    EXPECT_LT(*ranked[1].identity, *ranked[0].identity);
    EXPECT_EQ(ranked[2].source, "w.png");  // no face: unscored, before the failed cell by source order
    EXPECT_FALSE(ranked[2].identity);
    EXPECT_EQ(ranked[3].source, "y.png");
    EXPECT_TRUE(ranked[3].image.empty());
    EXPECT_EQ(ranked[0].cell_file, "r01c04_deepface_img1_x_z.png");

    const std::string csv = cast_csv(ranked);
    EXPECT_EQ(csv.substr(0, csv.find('\n')), "rank,cell,source,identity_cosine");
    EXPECT_NE(csv.find("\n1,r01c04_deepface_img1_x_z.png,z.png,1.0"), std::string::npos) << csv;
    EXPECT_NE(csv.find("\n4,r01c03_deepface_img1_x_y.png,y.png,\n"), std::string::npos) << csv;

    // The reverse: each face's cell is compared with that face, not with the first.
    const MixJob reverse = cast_job(CastDirection::BackgroundWithFaces, named("bg.png", solid(64, {9, 9, 9})), {aniston, jolie}, 0,
                                    SeedPolicy::Fixed);
    const auto faces = rank_cast(descriptor, reverse, CastDirection::BackgroundWithFaces, {aniston.aligned, aniston.aligned});
    ASSERT_EQ(faces.size(), 2u);
    EXPECT_EQ(faces[0].source, "deepface_img3.jpg");
    EXPECT_NEAR(*faces[0].identity, 1.0f, 1e-5f);
    EXPECT_LT(*faces[1].identity, 0.99f);
    EXPECT_THROW(rank_cast(descriptor, reverse, CastDirection::BackgroundWithFaces, {aniston.aligned}), std::invalid_argument);
}

// A stopped cast keeps the cells it reached, made or failed, in their ranked order, and drops the rest.
TEST(ReachedEntries, KeepTheCellsTheCastGotToInTheirOrder) {
    std::vector<CastEntry> ranked(4);
    for (std::size_t i = 0; i < ranked.size(); ++i) ranked[i].varied = 3 - i;  // ranked best first: sources 3, 2, 1, 0
    const auto kept = reached_entries(ranked, {true, false, true, false});  // source 0 failed, 2 was made, 1 and 3 never ran
    ASSERT_EQ(kept.size(), 2u);
    EXPECT_EQ(kept[0].varied, 2u);
    EXPECT_EQ(kept[1].varied, 0u);
    EXPECT_EQ(reached_entries(ranked, {true, true, true, true}).size(), 4u);
    EXPECT_THROW(reached_entries(ranked, {true}), std::invalid_argument);
}

// Hand-made descriptors: the person's descriptor is the weighted mean of the photos that have one, so a
// cell that is exactly the first photo scores the cosine to that mean, not 1.
TEST(PersonDescriptor, IsTheWeightedMeanOfThePhotosWithAFace) {
    FaceDescriptorVector first{}, second{};
    first[0] = 1.0f;
    second[1] = 2.0f;  // lengths differ: the mean is of the vectors as they are
    const auto person = person_descriptor({{first, 1.0}, {second, 3.0}, {std::nullopt, 5.0}});
    ASSERT_TRUE(person);
    EXPECT_FLOAT_EQ((*person)[0], 0.25f);  // the photo without a face takes no share: weights 1 and 3 of 4
    EXPECT_FLOAT_EQ((*person)[1], 1.5f);
    EXPECT_FLOAT_EQ((*person)[2], 0.0f);
    EXPECT_NEAR(descriptor_cosine(first, *person), 0.25 / std::sqrt(0.25 * 0.25 + 1.5 * 1.5), 1e-6);
    EXPECT_FALSE(person_descriptor({{std::nullopt, 1.0}}));
    EXPECT_FALSE(person_descriptor({}));
}

// A cast of a person of two photos scores every cell against both: a cell that is the first photo
// itself does not score 1, but its cosine to the mean of the two photos' descriptors.
TEST(RankCast, APersonOfSeveralPhotosIsScoredAgainstTheMeanOfTheirDescriptors) {
    FaceDescriptor descriptor;
    MixSource person = aligned_source("deepface_img1.jpg");
    const MixSource other = aligned_source("deepface_img2.jpg");
    person.same_person.push_back(other);
    person.same_person.back().weight = 3.0;
    const MixJob job = cast_job(CastDirection::FaceOnBackgrounds, person, {named("a.png")}, 0, SeedPolicy::Fixed);
    const auto ranked = rank_cast(descriptor, job, CastDirection::FaceOnBackgrounds, {person.aligned});
    ASSERT_EQ(ranked.size(), 1u);
    ASSERT_TRUE(ranked[0].identity);
    const auto first = describe_largest_face_enlarged(descriptor, person.aligned);
    const auto second = describe_largest_face_enlarged(descriptor, other.aligned);
    ASSERT_TRUE(first && second);
    const auto mean = person_descriptor({{first, 0.25}, {second, 0.75}});
    EXPECT_NEAR(*ranked[0].identity, descriptor_cosine(*first, *mean), 1e-5f);
    EXPECT_LT(*ranked[0].identity, 0.999f);  // not the first photo alone
}

TEST(CaptionedSheet, TilesInReadingOrderWithACaptionStripUnderEach) {
    const int tile = 40, gap = 4;
    const std::vector<cv::Mat> tiles = {solid(80, {0, 0, 255}), solid(40, {0, 255, 0}), cv::Mat(), solid(10, {255, 0, 0})};
    const cv::Mat sheet = captioned_sheet(tiles, {"a", "b", "c", "d"}, 3, tile, gap);
    const int strip = caption_height(tile);
    EXPECT_EQ(sheet.cols, 3 * tile + 2 * gap);
    EXPECT_EQ(sheet.rows, 2 * (tile + strip) + gap);
    EXPECT_EQ(sheet.at<cv::Vec3b>(tile / 2, tile / 2), cv::Vec3b(0, 0, 255));
    EXPECT_EQ(sheet.at<cv::Vec3b>(tile / 2, tile + gap + tile / 2), cv::Vec3b(0, 255, 0));
    EXPECT_EQ(sheet.at<cv::Vec3b>(1, 2 * (tile + gap) + 1), kMissingCellGrey);
    EXPECT_EQ(sheet.at<cv::Vec3b>(tile + strip + gap + tile / 2, tile / 2), cv::Vec3b(255, 0, 0));  // second row
    // Each caption strip holds some dark text and is otherwise white.
    const cv::Mat caption = sheet(cv::Rect(0, tile, tile, strip));
    double low = 0, high = 0;
    cv::minMaxLoc(caption.reshape(1), &low, &high);
    EXPECT_LT(low, 128);
    EXPECT_EQ(high, 255);
    EXPECT_THROW(captioned_sheet(tiles, {"a"}, 3, tile, gap), std::invalid_argument);
    EXPECT_THROW(captioned_sheet(tiles, {"a", "b", "c", "d"}, 0, tile, gap), InputError);
}

}  // namespace
}  // namespace facemix
