#include "support/run_command.h"

#include <regex>

#include <gtest/gtest.h>

namespace facemix {
namespace {

// The tiny face-mixer UNet keeps a step to milliseconds; the PyTorch reference is optional and skipped.
void expect_positive_step_figures(const std::vector<std::string>& options) {
    std::vector<std::string> arguments = {"bench", "train", "--tiny", "--runs", "1", "--no-reference"};
    arguments.insert(arguments.end(), options.begin(), options.end());
    const auto result = test::run_facemix(arguments);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    std::smatch figures;
    ASSERT_TRUE(std::regex_search(result.out, figures, std::regex(R"(facemix +([0-9.]+) ms per step +([0-9.]+) images/s)")))
        << result.out;
    EXPECT_GT(std::stod(figures[1]), 0.0);
    EXPECT_GT(std::stod(figures[2]), 0.0);
    EXPECT_NE(result.out.find("peak RSS"), std::string::npos) << result.out;
}

TEST(BenchTrainCli, TinyFp32StepPrintsPositiveTimeAndThroughput) { expect_positive_step_figures({}); }

TEST(BenchTrainCli, TinyBf16BatchOfTwoStepPrintsPositiveTimeAndThroughput) {
    expect_positive_step_figures({"--dtype", "bf16", "--batch", "2"});
}

TEST(BenchTrainCli, BadOptionsAreAUsageErrorNamingTheOption) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"--size", "300"}, "--size"}, {{"--batch", "0"}, "--batch"},   {{"--dtype", "fp16"}, "--dtype"},
        {{"--device", "tpu"}, "--device"}, {{"--runs", "0"}, "--runs"}, {{"--steps", "3"}, "--steps"}};
    for (const auto& [options, option] : cases) {
        std::vector<std::string> arguments = {"bench", "train", "--tiny", "--no-reference"};
        arguments.insert(arguments.end(), options.begin(), options.end());
        const auto result = test::run_facemix(arguments);
        EXPECT_EQ(result.exit_code, 2) << option;
        const std::string first_line = result.err.substr(0, result.err.find('\n'));
        EXPECT_NE(first_line.find(option), std::string::npos) << result.err;
    }
}

}  // namespace
}  // namespace facemix
