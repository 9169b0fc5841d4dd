#include "eval/heldout_dataset.h"

#include <fstream>

#include <ATen/ops/zeros.h>
#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "common/error.h"
#include "io/image_file.h"
#include "io/safetensors.h"
#include "support/test_data.h"

namespace facemix {
namespace {

void write_text(const std::filesystem::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// A prep-style folder with plain grey squares for faces: Cleo has three photos (two faces in one), Bram two faces of one
// photo (not two photos), Dana one photo, Abe two photos and a near-duplicate crop that pairs.csv leaves
// out, Eve two photos but is not held out.
void make_dataset(const std::filesystem::path& dir, bool with_descriptors) {
    std::filesystem::create_directories(dir / "faces");
    const std::vector<std::array<std::string, 3>> rows = {
        {"faces/cleo1_f0.png", "Cleo", "cleo1.jpg"}, {"faces/bram1_f0.png", "Bram", "bram1.jpg"},
        {"faces/bram1_f1.png", "Bram", "bram1.jpg"}, {"faces/abe1_f0.png", "Abe", "abe1.jpg"},
        {"faces/abe1s_f0.png", "Abe", "abe1_small.jpg"}, {"faces/abe2_f0.png", "Abe", "abe2.jpg"},
        {"faces/dana1_f0.png", "Dana", "dana1.jpg"}, {"faces/cleo2_f0.png", "Cleo", "cleo2.jpg"},
        {"faces/eve1_f0.png", "Eve", "eve1.jpg"}, {"faces/eve2_f0.png", "Eve", "eve2.jpg"},
        {"faces/cleo3_f0.png", "Cleo", "cleo3.jpg"}, {"faces/cleo3_f1.png", "Cleo", "cleo3.jpg"}};
    std::string labels = "file,identity,photo,box_x,box_y,box_width,box_height\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        labels += rows[i][0] + "," + rows[i][1] + "," + rows[i][2] + ",0,0,10,10\n";
        write_image_atomic(dir / rows[i][0], cv::Mat(16, 16, CV_8UC3, cv::Scalar::all(static_cast<double>(10 * i))));
    }
    write_text(dir / "labels.csv", labels);
    write_text(dir / "pairs.csv", "image,partner\nfaces/abe1_f0.png,faces/abe2_f0.png\nfaces/abe2_f0.png,faces/abe1_f0.png\n");
    write_text(dir / "dataset.json", R"({"kind": "photos", "split": {"held_out": ["Abe", "Bram", "Cleo", "Dana"], "train": ["Eve"]}})");
    if (with_descriptors) {
        at::Tensor photo = at::zeros({static_cast<std::int64_t>(rows.size()), 128});
        for (std::int64_t i = 0; i < photo.size(0); ++i) photo[i][0] = static_cast<float>(i);
        write_safetensors(dir / "descriptors.safetensors", {{"photo", photo}});
    }
}

TEST(HeldoutDataset, ListsHeldOutPeopleWithTwoPhotosAndPrefersAPairsPartnerAsReference) {
    const test::TempDir dir;
    make_dataset(dir.path(), true);
    HeldoutDataset dataset(dir.path());
    EXPECT_EQ(dataset.size(), 12);
    EXPECT_EQ(dataset.held_out_listed(), 4u);
    ASSERT_EQ(dataset.candidates().size(), 2u);  // Bram has one photo, Dana one, Eve is trained on
    EXPECT_EQ(dataset.candidates()[0].name, "Abe");
    EXPECT_EQ(dataset.candidates()[0].source, 3);
    EXPECT_EQ(dataset.candidates()[0].reference, 5);  // abe2, the pairs.csv partner, not the small crop
    EXPECT_EQ(dataset.candidates()[1].name, "Cleo");
    EXPECT_EQ(dataset.candidates()[1].reference, 7);
    // What a several-photo source adds: one row per other photo; for Abe, pairs.csv leaves the crop out.
    EXPECT_TRUE(dataset.candidates()[0].more_sources.empty());
    EXPECT_EQ(dataset.candidates()[1].more_sources, (std::vector<std::int64_t>{10}));
    ASSERT_TRUE(dataset.has_stored_descriptors());
    FaceDescriptor recognizer;
    EXPECT_FLOAT_EQ((*dataset.descriptor(7, recognizer))[0], 7.0f);  // prep's, not recomputed
    EXPECT_EQ(dataset.image(7).rows, 16);

    // Without descriptors.safetensors they are computed from the aligned images: a grey square has no face.
    std::filesystem::remove(dir.path() / "descriptors.safetensors");
    HeldoutDataset computed(dir.path());
    EXPECT_FALSE(computed.has_stored_descriptors());
    EXPECT_FALSE(computed.descriptor(7, recognizer));
}

TEST(HeldoutDataset, RefusesADatasetWithoutAHeldOutSplitOrWithMisshapenDescriptors) {
    const test::TempDir dir;
    make_dataset(dir.path(), false);
    write_text(dir.path() / "dataset.json", R"({"kind": "photos"})");
    try {
        HeldoutDataset dataset(dir.path());
        FAIL() << "a dataset without a split was accepted";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("has no held-out split"), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find("facemix prep"), std::string::npos) << error.what();
    }
    make_dataset(dir.path(), false);
    write_safetensors(dir.path() / "descriptors.safetensors", {{"photo", at::zeros({3, 128})}});
    EXPECT_THROW(HeldoutDataset{dir.path()}, InputError);
}

TEST(HeldoutDataset, ChoosesDisjointPeopleDeterministicallyBySeed) {
    std::vector<HeldoutPerson> candidates;
    for (const char* name : {"Fay", "Ada", "Eli", "Bo", "Cy", "Di"}) candidates.push_back({name, 0, 1});
    const auto all = [](const HeldoutPerson&) { return true; };
    const HeldoutChoice first = choose_heldout_people(candidates, 2, 3, 7, all);
    ASSERT_EQ(first.faces.size(), 2u);
    ASSERT_EQ(first.backgrounds.size(), 3u);
    for (const auto& face : first.faces)
        for (const auto& background : first.backgrounds) EXPECT_NE(face.name, background.name);
    // The same seed picks the same people whatever order the candidates come in.
    std::vector<HeldoutPerson> reversed(candidates.rbegin(), candidates.rend());
    const HeldoutChoice again = choose_heldout_people(reversed, 2, 3, 7, all);
    for (std::size_t i = 0; i < 2; ++i) EXPECT_EQ(again.faces[i].name, first.faces[i].name);
    for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(again.backgrounds[i].name, first.backgrounds[i].name);
    // People `usable` turns down are skipped; too few left is an InputError.
    const HeldoutChoice without_ada = choose_heldout_people(candidates, 5, 0, 7, [](const HeldoutPerson& p) { return p.name != "Ada"; });
    for (const auto& face : without_ada.faces) EXPECT_NE(face.name, "Ada");
    EXPECT_THROW(choose_heldout_people(candidates, 4, 3, 7, all), InputError);
}

}  // namespace
}  // namespace facemix
