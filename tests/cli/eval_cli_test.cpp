#include <fstream>
#include <iterator>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "bundle/model_bundle.h"
#include "support/run_command.h"
#include "support/test_data.h"
#include "support/tiny_model.h"
#include "support/text_file.h"

namespace facemix {
namespace {

// `facemix eval` on the tiny random bundle, twice from scratch (classifier included): the same numbers.
TEST(EvalCli, SyntheticEvalWritesItsReportAndReproducesItsNumbers) {
    const test::TempDir dir;
    const auto model = dir.path() / "tiny.safetensors";
    write_bundle(model, test::tiny_bundle());
    const auto run = [&](const std::string& out) {
        return test::run_facemix({"eval", "-m", model.string(), "-o", (dir.path() / out).string(), "--faces", "2", "--backgrounds",
                                  "2", "--steps", "2", "--classifier-steps", "10", "--ceiling-images", "32", "--device", "cpu",
                                  "--seed", "4"});
    };
    const auto first = run("first");
    ASSERT_EQ(first.exit_code, 0) << first.err;
    const auto second = run("second");
    ASSERT_EQ(second.exit_code, 0) << second.err;
    EXPECT_NE(first.out.find("| skin_tone | identity | 4/4 |"), std::string::npos) << first.out;
    EXPECT_NE(first.err.find("trained the trait classifier"), std::string::npos) << first.err;
    const std::string csv = test::read_text(dir.path() / "first" / "eval.csv");
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 21);
    EXPECT_EQ(csv, test::read_text(dir.path() / "second" / "eval.csv"));
    EXPECT_NE(test::read_text(dir.path() / "first" / "eval.md").find("2 held-out synthetic faces x 2 backgrounds"), std::string::npos);
    EXPECT_FALSE(cv::imread((dir.path() / "first" / "eval.png").string()).empty());
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "first" / "cells" / "contact_sheet.png"));
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "first" / "cells" / "r02c02_heldout0001_x_heldout0003.png"));
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "first" / "trait_classifier.safetensors"));

    // A third run into the first folder reuses its classifier and gives the same numbers again.
    const auto third = run("first");
    ASSERT_EQ(third.exit_code, 0) << third.err;
    EXPECT_NE(third.err.find("reused the trait classifier"), std::string::npos) << third.err;
    EXPECT_EQ(test::read_text(dir.path() / "first" / "eval.csv"), csv);
}

// Real photos through the tiny random bundle: its 32 px noise holds no face, which the table says.
TEST(EvalCli, PhotoEvalCountsCellsWithoutAFace) {
    const test::TempDir dir;
    const auto model = dir.path() / "tiny.safetensors";
    write_bundle(model, test::tiny_bundle());
    const auto photo = [](const char* file) { return (test::testdata_dir() / file).string(); };
    const auto result = test::run_facemix({"eval", "-m", model.string(), "-o", (dir.path() / "out").string(), "--face-photos",
                                           photo("deepface_img1.jpg"), "--background-photos", photo("deepface_img3.jpg"),
                                           photo("deepface_img12.jpg"), "--steps", "2", "--device", "cpu"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("| deepface_img1.jpg | deepface_img3.jpg | "), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("| 2 | 0 | "), std::string::npos) << result.out;  // 2 cells, none failed
    const std::string csv = test::read_text(dir.path() / "out" / "eval.csv");
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3);
    EXPECT_FALSE(cv::imread((dir.path() / "out" / "eval.png").string()).empty());
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "out" / "cells" / "contact_sheet.png"));

    const auto half = test::run_facemix({"eval", "-m", model.string(), "-o", (dir.path() / "half").string(), "--face-photos",
                                         photo("deepface_img1.jpg")});
    EXPECT_NE(half.exit_code, 0);
    EXPECT_NE(half.err.find("--background-photos"), std::string::npos) << half.err;
}

TEST(EvalCli, RefusesAnEmptyGrid) {
    const test::TempDir dir;
    const auto model = dir.path() / "tiny.safetensors";
    write_bundle(model, test::tiny_bundle());
    const auto result = test::run_facemix({"eval", "-m", model.string(), "-o", (dir.path() / "out").string(), "--faces", "0"});
    EXPECT_NE(result.exit_code, 0);
    EXPECT_NE(result.err.find("--faces"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace facemix
