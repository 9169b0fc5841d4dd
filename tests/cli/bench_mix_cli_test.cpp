#include <filesystem>
#include <fstream>
#include <regex>

#include <gtest/gtest.h>

#include "support/run_command.h"
#include "support/test_data.h"
#include "support/text_file.h"
#include "tensor/blas_binding.h"

namespace facemix {
namespace {

double figure(const std::string& text, const std::string& pattern) {
    std::smatch match;
    if (!std::regex_search(text, match, std::regex(pattern))) return -1.0;
    return std::stod(match[1]);
}

// The tiny architecture at both CPU precisions: every figure is measured (positive), the ratio lines
// compare bf16 with fp32 as a whole and network by network, and the peak covers loading and the jobs.
TEST(BenchMixCli, PrintsEveryFigureForEachPrecisionAndTheirRatios) {
    const auto result = test::run_facemix({"bench", "mix", "--arch", "tiny", "--precision", "fp32", "bf16", "--cells", "2",
                                           "--steps", "2", "--threads", "1"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    for (const std::string precision : {"fp32", "bf16"}) {
        const auto table = result.out.find("tiny, 32 px, " + precision);
        ASSERT_NE(table, std::string::npos) << result.out;
        const std::string text = result.out.substr(table);
        EXPECT_GT(figure(text, R"(first cell ([0-9.]+) s)"), 0.0) << text;
        EXPECT_GT(figure(text, R"(([0-9.]+) cells/min batched by 2)"), 0.0) << text;
        EXPECT_GT(figure(text, R"(([0-9.]+) cells/min one at a time)"), 0.0) << text;
        EXPECT_GT(figure(text, R"(encoder ([0-9.]+) ms)"), 0.0) << text;
        EXPECT_GT(figure(text, R"(UNet ([0-9.]+) ms per CFG pair)"), 0.0) << text;
        EXPECT_GT(figure(text, R"(peak RSS ([0-9.]+) GiB)"), 0.0) << text;
        EXPECT_GT(figure(text, R"(([0-9.]+) GiB loading)"), 0.0) << text;
        EXPECT_GT(figure(text, R"(([0-9.]+) GiB in the jobs)"), 0.0) << text;
    }
    EXPECT_GT(figure(result.out, R"(bf16 vs fp32 speed-up: first cell ([0-9.]+)x)"), 0.0) << result.out;
    // Each network's bf16 time over its fp32 time, and a verdict on all of them.
    for (const std::string network : {"encoder", "UNet", "VAE decode"})
        EXPECT_GT(figure(result.out, "bf16 / fp32 time per network:.* " + network + R"( ([0-9.]+) \()"), 0.0) << network << "\n" << result.out;
    EXPECT_TRUE(result.out.find("every network faster than in fp32") != std::string::npos ||
                result.out.find("not faster than in fp32:") != std::string::npos)
        << result.out;
    // The goals are issue 13's for SD v1 at 512 px; a tiny model has none.
    EXPECT_EQ(result.out.find("goal:"), std::string::npos) << result.out;
    // The CLI's own link, not just this test's: its matrix products run LibTorch's gemm.
    if (sgemm_binding().libtorch_has_blas) {
        EXPECT_NE(result.out.find("matrix products: LibTorch's own BLAS"), std::string::npos) << result.out;
    }

    // With two threads the bench also times the UNet on one, the reference for the engine's choice:
    // a tiny model's jobs run on one thread.
    const auto threads = test::run_facemix({"bench", "mix", "--arch", "tiny", "--precision", "fp32", "--cells", "1",
                                            "--steps", "1", "--threads", "2"});
    ASSERT_EQ(threads.exit_code, 0) << threads.err;
    EXPECT_GT(figure(threads.out, R"(UNet on 1 thread ([0-9.]+) ms per CFG pair)"), 0.0) << threads.out;
    EXPECT_GT(figure(threads.out, R"(: ([0-9.]+)x the speed on 2)"), 0.0) << threads.out;
    EXPECT_NE(threads.out.find("jobs of this model run on 1 thread"), std::string::npos) << threads.out;

    const auto bad = test::run_facemix({"bench", "mix", "--arch", "sd-v2"});
    EXPECT_NE(bad.exit_code, 0);
    EXPECT_NE(bad.err.find("sd-v2"), std::string::npos) << bad.err;
}

// --vs-diffusers hands the same grid (device, precision, size, steps, cells, guidance) to the diffusers
// script and prints its figures and the ratios. The venv's python is a stand-in here that records its
// arguments and answers as the script does, so the test needs no diffusers and knows the figures.
TEST(BenchMixCli, ComparesSdV1WithDiffusersImageVariationsInTheSameRun) {
    test::TempDir venv;
    std::filesystem::create_directories(venv.path() / "bin");
    const auto python = venv.path() / "bin" / "python";
    const auto arguments = venv.path() / "arguments";
    std::ofstream(python) << "#!/bin/sh\nshift\necho \"$*\" > '" << arguments.string()
                          << "'\necho '{\"first_cell_s\": 100.0, \"batched_cells_per_min\": 0.5, \"torch\": \"T\", \"diffusers\": \"D\"}'\n";
    std::filesystem::permissions(python, std::filesystem::perms::owner_all);
    test::RunOptions options;
    options.environment = "FACEMIX_VENV=" + venv.path().string();
    const auto result = test::run_facemix({"bench", "mix", "--arch", "sd-v1", "--precision", "fp32", "--resolution", "64", "--cells", "1",
                                           "--steps", "1", "--device", "cpu", "--vs-diffusers"},
                                          options);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(test::read_text(arguments), "--device cpu --dtype fp32 --resolution 64 --steps 1 --cells 1 --guidance 3\n");
    EXPECT_NE(result.out.find("diffusers image-variations (torch T, diffusers D): first cell 100.00 s   0.50 cells/min batched by 1"),
              std::string::npos)
        << result.out;
    const double first = figure(result.out, R"(  load [0-9.]+ s   first cell ([0-9.]+) s)");
    const double per_min = figure(result.out, R"(  load [0-9.]+ s   first cell [0-9.]+ s   ([0-9.]+) cells/min)");
    ASSERT_GT(first, 0.0) << result.out;
    ASSERT_GT(per_min, 0.0) << result.out;
    EXPECT_NEAR(figure(result.out, R"(facemix vs diffusers \(>1: facemix faster\): first cell ([0-9.]+)x)"), 100.0 / first, 0.01 * 100.0 / first)
        << result.out;
    EXPECT_NEAR(figure(result.out, R"(facemix vs diffusers .*cells/min ([0-9.]+)x)"), per_min / 0.5, 0.01 * per_min / 0.5) << result.out;

    // Another architecture is said to have no reference, and the script is not run.
    std::filesystem::remove(arguments);
    const auto tiny = test::run_facemix({"bench", "mix", "--arch", "tiny", "--precision", "fp32", "--cells", "1", "--steps", "1",
                                         "--threads", "1", "--vs-diffusers"},
                                        options);
    ASSERT_EQ(tiny.exit_code, 0) << tiny.err;
    EXPECT_NE(tiny.out.find("  diffusers reference: SD v1 only, not tiny\n"), std::string::npos) << tiny.out;
    EXPECT_FALSE(std::filesystem::exists(arguments));
}

}  // namespace
}  // namespace facemix
