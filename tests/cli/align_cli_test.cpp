#include "support/broken_images.h"
#include "support/run_command.h"
#include "support/test_data.h"

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

namespace facemix {
namespace {

std::vector<std::string> files_in(const std::filesystem::path& dir) {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

TEST(AlignCli, WritesTheThreeImagesAndARecordPerFace) {
    test::TempDir out;
    const auto result = test::run_facemix({"align", (test::testdata_dir() / "facerec_two_people.jpg").string(), "-o",
                                           out.path().string(), "--size", "256"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const std::vector<std::string> expected = {
        "facerec_two_people_f0.json", "facerec_two_people_f0_aligned.png", "facerec_two_people_f0_background.png",
        "facerec_two_people_f0_face.png", "facerec_two_people_f1.json", "facerec_two_people_f1_aligned.png",
        "facerec_two_people_f1_background.png", "facerec_two_people_f1_face.png"};
    EXPECT_EQ(files_in(out.path()), expected);

    const cv::Mat aligned = cv::imread((out.path() / "facerec_two_people_f0_aligned.png").string());
    const cv::Mat face = cv::imread((out.path() / "facerec_two_people_f0_face.png").string());
    const cv::Mat background = cv::imread((out.path() / "facerec_two_people_f0_background.png").string());
    EXPECT_EQ(aligned.size(), cv::Size(256, 256));
    EXPECT_EQ(face.size(), cv::Size(131, 125));
    EXPECT_EQ(background.size(), cv::Size(256, 256));

    std::ifstream record_file(out.path() / "facerec_two_people_f0.json");
    const auto record = nlohmann::json::parse(record_file);
    EXPECT_EQ(record.at("source"), "facerec_two_people.jpg");
    EXPECT_EQ(record.at("face_index"), 0);
    EXPECT_EQ(record.at("landmarks").size(), 68u);
    EXPECT_EQ(record.at("quad").size(), 4u);
    EXPECT_GT(record.at("detection").at("score").get<double>(), 0.0);
}

TEST(AlignCli, NoFaceFailsNamingTheFileAndWritesNothing) {
    test::TempDir out;
    const auto photo = (test::testdata_dir() / "ipadapter_river.png").string();
    const auto result = test::run_facemix({"align", photo, "-o", out.path().string()});
    EXPECT_NE(result.exit_code, 0);
    EXPECT_NE(result.err.find(photo + ": no face found"), std::string::npos) << result.err;
    EXPECT_TRUE(files_in(out.path()).empty());
}

TEST(AlignCli, ABatchCarriesOnPastBrokenFilesAndEndsWithASummary) {
    test::TempDir broken;
    const auto corpus = test::write_broken_image_corpus(broken.path());
    test::TempDir out;
    std::vector<std::string> arguments = {"align", "-o", out.path().string()};
    for (const auto& [path, why] : corpus) arguments.push_back(path.string());
    arguments.push_back((test::testdata_dir() / "facerec_obama_small.jpg").string());
    const auto result = test::run_facemix(arguments);

    EXPECT_EQ(result.exit_code, 1);
    for (const auto& [path, why] : corpus) EXPECT_NE(result.err.find(path.string() + ":"), std::string::npos) << why;
    EXPECT_NE(result.out.find("aligned 1 face from 1 of " + std::to_string(corpus.size() + 1) + " photos"), std::string::npos)
        << result.out;
    EXPECT_NE(result.err.find(std::to_string(corpus.size()) + " photos failed"), std::string::npos) << result.err;
    // Only the good photo's four files: nothing partial, no temporary files left behind.
    EXPECT_EQ(files_in(out.path()).size(), 4u);
}

TEST(AlignCli, BadFlagsAreAUsageError) {
    EXPECT_EQ(test::run_facemix({"align", "x.jpg", "-o", "/tmp/x", "--size", "300"}).exit_code, 2);
    EXPECT_EQ(test::run_facemix({"align", "x.jpg"}).exit_code, 2);
    const auto help = test::run_facemix({"align", "--help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.out.find("--largest"), std::string::npos);
}

}  // namespace
}  // namespace facemix
