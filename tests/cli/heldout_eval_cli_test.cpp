#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include <ATen/ops/zeros.h>
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "align/face_aligner.h"
#include "bundle/model_bundle.h"
#include "identity/face_descriptor.h"
#include "io/image_file.h"
#include "io/safetensors.h"
#include "mix/cell_export.h"
#include "support/run_command.h"
#include "support/test_data.h"
#include "support/tiny_model.h"
#include "support/text_file.h"

namespace facemix {
namespace {

// Four people with two photos each, two of them with a third (identities.csv), aligned at 256 px into a prep-style dataset made
// here, in a temp folder, never in the repository: labels.csv, dataset.json with all four held out, and
// (optionally) prep's descriptors, computed on the original photos.
void make_dataset(const std::filesystem::path& dir, bool with_descriptors) {
    const std::vector<std::pair<std::string, std::string>> photos = {
        {"deepface_img1.jpg", "Angelina_Jolie"},   {"deepface_img2.jpg", "Angelina_Jolie"},
        {"deepface_img3.jpg", "Jennifer_Aniston"}, {"deepface_img12.jpg", "Jennifer_Aniston"},
        {"deepface_img13.jpg", "Mark_Zuckerberg"}, {"deepface_img14.jpg", "Mark_Zuckerberg"},
        {"deepface_img16.jpg", "Jack_Dorsey"},     {"deepface_img17.jpg", "Jack_Dorsey"},
        {"deepface_img4.jpg", "Angelina_Jolie"},   {"deepface_img15.jpg", "Mark_Zuckerberg"}};
    FaceAlignerOptions options;
    options.size = 256;
    options.largest_only = true;
    FaceAligner aligner(options);
    FaceDescriptor recognizer;
    std::filesystem::create_directories(dir / "faces");
    std::string labels = "file,identity,photo,box_x,box_y,box_width,box_height\n";
    at::Tensor descriptors = at::zeros({static_cast<std::int64_t>(photos.size()), 128});
    for (std::size_t i = 0; i < photos.size(); ++i) {
        const auto& [photo_file, name] = photos[i];
        const cv::Mat photo = load_image(test::testdata_dir() / photo_file);
        const auto faces = aligner.align(photo);
        ASSERT_FALSE(faces.empty()) << photo_file;
        const std::string file = "faces/" + std::filesystem::path(photo_file).stem().string() + "_f0.png";
        write_image_atomic(dir / file, faces[0].aligned);
        const auto& box = faces[0].detection.box;
        labels += file + "," + name + "," + photo_file + "," + std::to_string(static_cast<int>(box.x)) + "," +
                  std::to_string(static_cast<int>(box.y)) + "," + std::to_string(static_cast<int>(box.width)) + "," +
                  std::to_string(static_cast<int>(box.height)) + "\n";
        const FaceDescriptorVector d = recognizer.describe(photo, faces[0].landmarks);
        for (std::size_t k = 0; k < d.size(); ++k) descriptors[static_cast<std::int64_t>(i)][static_cast<std::int64_t>(k)] = d[k];
    }
    test::write_text(dir / "labels.csv", labels);
    test::write_text(dir / "dataset.json",
               R"({"kind": "photos", "split": {"held_out": ["Angelina_Jolie", "Jack_Dorsey", "Jennifer_Aniston", "Mark_Zuckerberg"]}})");
    if (with_descriptors) write_safetensors(dir / "descriptors.safetensors", {{"photo", descriptors}});
}

std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::stringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        std::vector<std::string> fields;
        std::stringstream row(line);
        std::string field;
        while (std::getline(row, field, ',')) fields.push_back(field);
        if (!line.empty() && line.back() == ',') fields.emplace_back();
        rows.push_back(fields);
    }
    return rows;
}

test::CommandResult run_eval(const std::filesystem::path& model, const std::filesystem::path& data, const std::filesystem::path& out,
                             const std::vector<std::string>& more = {"--faces", "2", "--backgrounds", "2"}) {
    std::vector<std::string> arguments = {"eval", "-m", model.string(), "--data", data.string(), "-o", out.string(),
                                          "--steps", "2", "--device", "cpu", "--seed", "3"};
    arguments.insert(arguments.end(), more.begin(), more.end());
    return test::run_facemix(arguments);
}

std::size_t png_count(const std::filesystem::path& folder) {
    std::size_t count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) count += entry.path().extension() == ".png" ? 1 : 0;
    return count;
}

// A 2x2 grid of held-out people through the tiny random bundle: its 32 px noise holds no face, so every
// cell counts as not found and kept = chance; what matters here is that every file is written and the
// figures parse.
TEST(HeldoutEvalCli, MixesHeldOutPeopleAndWritesTheReport) {
    const test::TempDir dir;
    const auto model = dir.path() / "tiny.safetensors";
    write_bundle(model, test::tiny_bundle());
    make_dataset(dir.path() / "data", true);
    const auto out = dir.path() / "eval";
    const auto result = run_eval(model, dir.path() / "data", out);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    for (const char* file : {"eval.md", "eval.csv", "eval.png", "contact_sheet.png"})
        EXPECT_TRUE(std::filesystem::is_regular_file(out / file)) << file;
    EXPECT_FALSE(cv::imread((out / "eval.png").string()).empty());
    std::size_t cells = 0;
    for (const auto& entry : std::filesystem::directory_iterator(out / "cells")) cells += entry.path().extension() == ".png" ? 1 : 0;
    EXPECT_EQ(cells, 4u);

    const auto rows = csv_rows(test::read_text(out / "eval.csv"));
    ASSERT_EQ(rows.size(), 5u);  // header + 4 cells
    const auto& header = rows[0];
    const auto column = [&](const std::string& name) {
        const auto found = std::find(header.begin(), header.end(), name);
        EXPECT_NE(found, header.end()) << name;
        return static_cast<std::size_t>(found - header.begin());
    };
    std::set<std::string> face_people, background_people;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        ASSERT_EQ(rows[r].size(), header.size());
        EXPECT_EQ(rows[r][column("generated")], "1");
        face_people.insert(rows[r][column("face_person")]);
        background_people.insert(rows[r][column("background_person")]);
        EXPECT_GE(std::stod(rows[r][column("scene_to_face")]), 0.0);
        EXPECT_GE(std::stod(rows[r][column("scene_to_background")]), 0.0);
        if (rows[r][column("face_found")] == "1") {
            EXPECT_GE(std::stod(rows[r][column("kept")]), 0.0);
            EXPECT_GE(std::stod(rows[r][column("leaked")]), 0.0);
        }
    }
    EXPECT_EQ(face_people.size(), 2u);
    EXPECT_EQ(background_people.size(), 2u);
    for (const auto& person : face_people) EXPECT_FALSE(background_people.count(person)) << person;

    const std::string markdown = test::read_text(out / "eval.md");
    EXPECT_NE(markdown.find("dlib face-recognition ResNet v1"), std::string::npos);
    EXPECT_NE(markdown.find("identity recovered"), std::string::npos);
    EXPECT_NE(markdown.find("prep's, computed on the original photos"), std::string::npos);
    EXPECT_NE(markdown.find("| scene from Q"), std::string::npos) << markdown;

    // The same command again gives the same cells and figures.
    const auto again = run_eval(model, dir.path() / "data", dir.path() / "again");
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(test::read_text(dir.path() / "again" / "eval.csv"), test::read_text(out / "eval.csv"));
}

// A face person mixed from two photos (their tokens' mean) against the same cell from one photo: both
// grids are written, the recipe names both photos, and eval.md compares the figures.
TEST(HeldoutEvalCli, ComparesSeveralPhotosOfAFacePersonWithOne) {
    const test::TempDir dir;
    const auto model = dir.path() / "tiny.safetensors";
    write_bundle(model, test::tiny_bundle());
    make_dataset(dir.path() / "data", true);
    const auto out = dir.path() / "eval";
    const auto result = run_eval(model, dir.path() / "data", out, {"--faces", "1", "--backgrounds", "1", "--photos-per-face", "2"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    ASSERT_EQ(png_count(out / "cells"), 1u);
    ASSERT_EQ(png_count(out / "cells-one-photo"), 1u);
    std::filesystem::path several, one;
    for (const auto& entry : std::filesystem::directory_iterator(out / "cells")) several = entry.path();
    for (const auto& entry : std::filesystem::directory_iterator(out / "cells-one-photo")) one = entry.path();
    const Recipe recipe = read_recipe_png(several);
    ASSERT_EQ(recipe.face.sources.size(), 1u);
    ASSERT_EQ(recipe.face.sources[0].same_person.size(), 1u);
    EXPECT_NE(recipe.face.sources[0].same_person[0].image_hash, recipe.face.sources[0].image_hash);
    EXPECT_TRUE(read_recipe_png(one).face.sources[0].same_person.empty());
    EXPECT_EQ(read_recipe_png(one).seed, recipe.seed);
    EXPECT_GT(cv::norm(cv::imread(several.string()), cv::imread(one.string()), cv::NORM_INF), 0.0);

    const std::string markdown = test::read_text(out / "eval.md");
    EXPECT_NE(markdown.find("## One photo against 2 photos of each face person"), std::string::npos) << markdown;
    EXPECT_NE(markdown.find("| identity recovered | "), std::string::npos) << markdown;
    EXPECT_NE(markdown.find(".png + faces/"), std::string::npos) << markdown;  // the people table names both photos

    // Three photos: only Angelina Jolie and Mark Zuckerberg have them, so two people cannot be chosen.
    const auto too_many = run_eval(model, dir.path() / "data", dir.path() / "three",
                                   {"--faces", "1", "--backgrounds", "1", "--photos-per-face", "4"});
    EXPECT_EQ(too_many.exit_code, 1);
    EXPECT_NE(too_many.err.find("need 2"), std::string::npos) << too_many.err;
}

// Without prep's descriptors the eval describes the aligned faces itself; without a held-out split it
// refuses in one sentence.
TEST(HeldoutEvalCli, DescribesAlignedFacesWithoutStoredDescriptorsAndRefusesAMissingSplit) {
    const test::TempDir dir;
    const auto model = dir.path() / "tiny.safetensors";
    write_bundle(model, test::tiny_bundle());
    make_dataset(dir.path() / "data", false);
    const auto result = run_eval(model, dir.path() / "data", dir.path() / "eval");
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(test::read_text(dir.path() / "eval" / "eval.md").find("computed from the aligned faces"), std::string::npos);
    EXPECT_EQ(csv_rows(test::read_text(dir.path() / "eval" / "eval.csv")).size(), 5u);

    test::write_text(dir.path() / "data" / "dataset.json", R"({"kind": "photos"})");
    const auto refused = run_eval(model, dir.path() / "data", dir.path() / "refused");
    EXPECT_NE(refused.exit_code, 0);
    EXPECT_NE(refused.err.find("has no held-out split"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace facemix
