#include <regex>

#include <gtest/gtest.h>

#include "support/run_command.h"

namespace facemix {
namespace {

// A short soak: after the warm-up, no file handle or thread is left behind by finished or cancelled
// jobs, and resident memory stays within allocator noise.
TEST(BenchSoakCli, JobsLeaveNoFilesThreadsOrMemoryBehind) {
    const auto result = test::run_facemix({"bench", "soak", "--generations", "30", "--warm-up", "10", "--report-every", "10"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("30 generations (6 cancelled mid-job)"), std::string::npos) << result.out;
    std::smatch match;
    const std::regex summary(R"(resident ([-+][0-9.]+) MiB \(([0-9.]+)x\), open files ([-+][0-9]+), threads ([-+][0-9]+))");
    ASSERT_TRUE(std::regex_search(result.out, match, summary)) << result.out;
    EXPECT_LT(std::stod(match[1]), 32.0) << result.out;
    EXPECT_EQ(std::stoi(match[3]), 0) << result.out;
    EXPECT_EQ(std::stoi(match[4]), 0) << result.out;

    const auto bad = test::run_facemix({"bench", "soak", "--generations", "5", "--warm-up", "9"});
    EXPECT_NE(bad.exit_code, 0);
    EXPECT_NE(bad.err.find("--generations must exceed --warm-up"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace facemix
