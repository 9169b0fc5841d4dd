#include <regex>

#include <gtest/gtest.h>

#include "support/run_command.h"
#include "support/test_data.h"

namespace facemix {
namespace {

// The bench times the detector against dlib's own in the same run and says whether they agree: on a
// group photo and a photo without a face, the figures are there and the faces are the same.
TEST(BenchAlignCli, ReportsTheSpeedUpAndTheAgreementWithDlib) {
    const auto dir = test::testdata_dir();
    const auto result = test::run_facemix(
        {"bench", "align", (dir / "dlib_2008_002506.jpg").string(), (dir / "ipadapter_river.png").string(), "--threads", "2"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    std::smatch match;
    const std::regex speed(R"(detection: ([0-9.]+) ms per photo on 2 threads against dlib's ([0-9.]+) ms on one, ([0-9.]+)x faster)");
    ASSERT_TRUE(std::regex_search(result.out, match, speed)) << result.out;
    EXPECT_GT(std::stod(match[1]), 0.0);
    EXPECT_GT(std::stod(match[2]), 0.0);
    EXPECT_NEAR(std::stod(match[3]), std::stod(match[2]) / std::stod(match[1]), 0.01 * std::stod(match[3]) + 0.01);
    const std::regex agreement(
        R"(face counts agree on ([0-9]+) of ([0-9]+) photos \(([0-9]+) faces\); boxes identical on ([0-9]+); largest box shift ([0-9.]+) px, landmark shift ([0-9.]+) px, aligned pixel difference ([0-9]+))");
    ASSERT_TRUE(std::regex_search(result.out, match, agreement)) << result.out;
    EXPECT_EQ(match[1], "2");
    EXPECT_EQ(match[2], "2");
    EXPECT_EQ(match[3], "3");
    EXPECT_EQ(match[4], "2");
    EXPECT_EQ(std::stod(match[5]), 0.0);
    EXPECT_EQ(std::stod(match[6]), 0.0);
    EXPECT_EQ(match[7], "0");
    EXPECT_NE(result.out.find("dlib_2008_002506.jpg"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("3/3"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace facemix
