#include <fstream>
#include <map>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "bundle/model_bundle.h"
#include "io/image_file.h"
#include "io/png_file.h"
#include "mix/cell_export.h"
#include "support/full_disk.h"
#include "support/run_command.h"
#include "support/test_data.h"
#include "support/tiny_model.h"

namespace facemix {
namespace {

// A tiny random model and a few stand-in aligned faces on disk, shared by the tests of this file.
class MixCli : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new test::TempDir();
        write_bundle(model(), test::tiny_bundle());
        for (int i = 0; i < 3; ++i) write_image_atomic(source(i), test::synthetic_source("s", 500 + i).aligned);
    }
    static void TearDownTestSuite() { delete dir_; }

    static std::filesystem::path model() { return dir_->path() / "tiny.safetensors"; }
    static std::string source(int i) { return (dir_->path() / ("source" + std::to_string(i) + ".png")).string(); }
    static std::vector<std::string> common() { return {"-m", model().string(), "--steps", "3", "--aligned", "--device", "cpu"}; }

    static std::vector<std::string> args(std::vector<std::string> head) {
        for (auto& item : common()) head.push_back(item);
        return head;
    }

    static inline test::TempDir* dir_ = nullptr;
};

TEST_F(MixCli, WritesEveryCellWithItsRecipeAndAContactSheet) {
    test::TempDir out;
    const auto result = test::run_facemix(args({"mix", "--faces", source(0), source(1), "--backgrounds", source(2), source(0), "-o",
                                                out.path().string(), "--seed", "5"}));
    ASSERT_EQ(result.exit_code, 0) << result.err;
    for (const char* name : {"r01c01_source0_x_source2.png", "r01c02_source0_x_source0.png", "r02c01_source1_x_source2.png",
                             "r02c02_source1_x_source0.png"})
        EXPECT_TRUE(std::filesystem::exists(out.path() / name)) << name;
    const Recipe recipe = read_recipe_png(out.path() / "r02c02_source1_x_source0.png");
    EXPECT_EQ(recipe.seed, 8u);
    EXPECT_EQ(recipe.settings.steps, 3);
    EXPECT_EQ(recipe.face.sources.at(0).file, "source1.png");
    const auto texts = read_png_text(out.path() / "r02c02_source1_x_source0.png");
    EXPECT_NE(texts.at("parameters").find("Steps: 3, Sampler: DDIM, CFG scale: 3, Seed: 8, Size: 32x32"), std::string::npos)
        << texts.at("parameters");
    const cv::Mat sheet = cv::imread((out.path() / "contact_sheet.png").string());
    EXPECT_EQ(sheet.cols, 3 * 256 + 2 * 4);
    EXPECT_EQ(sheet.rows, 3 * 256 + 2 * 4);

    const auto replay = test::run_facemix({"replay", (out.path() / "r02c02_source1_x_source0.png").string(), "-m", model().string(),
                                           "--device", "cpu"});
    EXPECT_EQ(replay.exit_code, 0) << replay.err;
    EXPECT_NE(replay.out.find("identical"), std::string::npos) << replay.out;
}

// "a+b*3" is one person from two photos: one row, a recipe naming both photos with their weights,
// replayed to the same pixels; a bad weight is one sentence.
TEST_F(MixCli, SeveralPhotosJoinedByPlusAreOnePerson) {
    test::TempDir out;
    const std::string person = source(0) + "+" + source(1) + "*3";
    const auto result = test::run_facemix(args({"mix", "--faces", person, "--backgrounds", source(2), "-o", out.path().string()}));
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const auto cell = out.path() / "r01c01_source0_x_source2.png";
    ASSERT_TRUE(std::filesystem::exists(cell));
    EXPECT_FALSE(std::filesystem::exists(out.path() / "r02c01_source1_x_source2.png"));  // one row, not two
    const Recipe recipe = read_recipe_png(cell);
    const SourceRecord& face = recipe.face.sources.at(0);
    EXPECT_EQ(face.file, "source0.png");
    EXPECT_EQ(face.weight, 1.0);
    ASSERT_EQ(face.same_person.size(), 1u);
    EXPECT_EQ(face.same_person[0].file, "source1.png");
    EXPECT_EQ(face.same_person[0].weight, 3.0);
    EXPECT_EQ(face.same_person[0].image_hash.size(), face.image_hash.size());
    const auto replay = test::run_facemix({"replay", cell.string(), "-m", model().string(), "--device", "cpu"});
    EXPECT_EQ(replay.exit_code, 0) << replay.err << replay.out;

    const auto bad = test::run_facemix(args({"mix", "--faces", source(0) + "+" + source(1) + "*0", "--backgrounds", source(2), "-o",
                                             out.path().string()}));
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_NE(bad.err.find("weight must be a positive number"), std::string::npos) << bad.err;
}

TEST_F(MixCli, ABrokenPhotoIsReportedAndTheRestIsMixed) {
    test::TempDir out;
    const auto broken = out.path() / "broken.png";
    std::ofstream(broken) << "not a png";
    const auto result = test::run_facemix(
        args({"mix", "--faces", source(0), broken.string(), "--backgrounds", source(1), "-o", (out.path() / "grid").string()}));
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("broken.png"), std::string::npos) << result.err;
    EXPECT_TRUE(std::filesystem::exists(out.path() / "grid" / "r01c01_source0_x_source1.png"));
}

// On a full disk the first cell that cannot be written ends the job with one sentence, instead of a
// line per cell with every cell sampled a second time.
TEST_F(MixCli, AFullDiskStopsAtTheFirstCellWithOneSentence) {
    test::TempDir out;
    const auto result = test::run_facemix(args({"mix", "--faces", source(0), source(1), "--backgrounds", source(2), source(0), "-o",
                                                (out.path() / "grid").string(), "--batch", "4"}),
                                          {0, test::kFullDiskEnvironment});
    EXPECT_EQ(result.exit_code, 1);
    // The model line comes first, then one sentence and nothing after it.
    const std::string sentence =
        "facemix: could not write " + (out.path() / "grid" / "r01c01_source0_x_source2.png").string() + ": no space left on device.\n";
    ASSERT_GE(result.err.size(), sentence.size()) << result.err;
    EXPECT_EQ(result.err.substr(result.err.size() - sentence.size()), sentence) << result.err;
    EXPECT_EQ(result.err.find("facemix:"), result.err.size() - sentence.size()) << result.err;
    EXPECT_TRUE(test::files_below(out.path() / "grid").empty());
}

TEST_F(MixCli, InterpolateWritesFramesAStripAndAnAnimation) {
    test::TempDir out;
    const auto result = test::run_facemix(
        args({"interpolate", "--faces", source(0), source(1), "--backgrounds", source(2), "--frames", "3", "-o", out.path().string()}));
    ASSERT_EQ(result.exit_code, 0) << result.err;
    for (const char* name : {"frame_001.png", "frame_002.png", "frame_003.png", "interpolation_strip.png", "interpolation_animation.png"})
        EXPECT_TRUE(std::filesystem::exists(out.path() / name)) << name;
    EXPECT_DOUBLE_EQ(read_recipe_png(out.path() / "frame_002.png").face.t, 0.5);
    const cv::Mat strip = cv::imread((out.path() / "interpolation_strip.png").string());
    EXPECT_EQ(strip.cols, 3 * 32 + 2 * 4);
}

TEST_F(MixCli, EditAtStrengthZeroKeepsThePhoto) {
    test::TempDir out;
    const auto result = test::run_facemix(args({"edit", source(1), "--strength", "0", "--resolution", "64", "-o", out.path().string()}));
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const cv::Mat edited = cv::imread((out.path() / "source1_edit.png").string());
    const cv::Mat photo = cv::imread(source(1));
    ASSERT_EQ(edited.size(), photo.size());
    EXPECT_EQ(cv::norm(edited, photo, cv::NORM_INF), 0.0);
}

TEST_F(MixCli, BadSettingsFailWithOneSentence) {
    test::TempDir out;
    const auto result = test::run_facemix(args({"mix", "--faces", source(0), "--backgrounds", source(1), "-o", out.path().string(),
                                                "--resolution", "70"}));
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("Resolution 70 px"), std::string::npos) << result.err;
    const auto device = test::run_facemix({"mix", "--faces", source(0), "--backgrounds", source(1), "-o", out.path().string(), "-m",
                                           model().string(), "--device", "tpu"});
    EXPECT_EQ(device.exit_code, 1);
    EXPECT_NE(device.err.find("tpu"), std::string::npos) << device.err;
    const auto memory = test::run_facemix(args({"mix", "--faces", source(0), "--backgrounds", source(1), "-o", out.path().string(),
                                                "--weight-memory", "swap"}));
    EXPECT_NE(memory.exit_code, 0);
    EXPECT_NE(memory.err.find("--weight-memory"), std::string::npos) << memory.err;
    EXPECT_TRUE(std::filesystem::is_empty(out.path()));
}

// The weights' memory is the user's choice, said back with the model; it changes no pixel.
TEST_F(MixCli, StreamedAndResidentWeightsMakeTheSameImages) {
    std::map<std::string, cv::Mat> cells;
    for (const std::string residency : {"resident", "streamed"}) {
        test::TempDir out;
        const auto result = test::run_facemix(args({"mix", "--faces", source(0), "--backgrounds", source(1), "-o",
                                                    out.path().string(), "--weight-memory", residency}));
        ASSERT_EQ(result.exit_code, 0) << result.err;
        EXPECT_NE(result.err.find("on cpu, fp32, weights " + residency), std::string::npos) << result.err;
        cells[residency] = cv::imread((out.path() / "r01c01_source0_x_source1.png").string());
        ASSERT_FALSE(cells[residency].empty());
    }
    EXPECT_EQ(cv::norm(cells["resident"], cells["streamed"], cv::NORM_INF), 0.0);
}

}  // namespace
}  // namespace facemix
