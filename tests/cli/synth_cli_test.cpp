#include "support/run_command.h"
#include "support/test_data.h"
#include "support/text_file.h"

#include <fstream>
#include <set>

#include <gtest/gtest.h>

namespace facemix {
namespace {

std::set<std::string> files_in(const std::filesystem::path& dir) {
    std::set<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) names.insert(entry.path().filename().string());
    return names;
}

TEST(SynthCli, WritesTheSetAndSaysWhatItDid) {
    test::TempDir out;
    const auto result = test::run_facemix({"synth", "-n", "3", "--renders", "2", "--size", "64", "--seed", "7", "-o", out.path().string()});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const std::set<std::string> expected = {"dataset.json", "labels.csv",     "id0000_r0.png", "id0000_r1.png",
                                            "id0001_r0.png", "id0001_r1.png", "id0002_r0.png", "id0002_r1.png"};
    EXPECT_EQ(files_in(out.path()), expected);
    EXPECT_NE(result.out.find("synthesised 3 identities x 2 renders at 64 px"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("6 written, 0 already there"), std::string::npos) << result.out;

    const auto again = test::run_facemix({"synth", "-n", "3", "--renders", "2", "--size", "64", "--seed", "7", "-o", out.path().string()});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("0 written, 6 already there"), std::string::npos) << again.out;
}

TEST(SynthCli, SameSeedSameBytesOtherSeedOtherImages) {
    test::TempDir a, b, c;
    const auto run = [](const std::filesystem::path& dir, const char* seed) {
        return test::run_facemix({"synth", "-n", "2", "--renders", "2", "--size", "128", "--seed", seed, "-o", dir.string()});
    };
    ASSERT_EQ(run(a.path(), "3").exit_code, 0);
    ASSERT_EQ(run(b.path(), "3").exit_code, 0);
    ASSERT_EQ(run(c.path(), "4").exit_code, 0);
    for (const char* name : {"id0000_r0.png", "id0001_r1.png", "labels.csv"}) {
        EXPECT_EQ(test::read_text(a.path() / name), test::read_text(b.path() / name)) << name;
        EXPECT_NE(test::read_text(a.path() / name), test::read_text(c.path() / name)) << name;
    }
}

TEST(SynthCli, AbsurdCountsAndSizesFailWithOneSentence) {
    test::TempDir out;
    auto result = test::run_facemix({"synth", "-n", "2000000", "-o", out.path().string()});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("facemix: The number of identities (-n) must be between 1 and 1000000, not 2000000."), std::string::npos)
        << result.err;
    result = test::run_facemix({"synth", "-n", "2", "--size", "100", "-o", out.path().string()});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("must be 64, 128, 256 or 512 px, not 100."), std::string::npos) << result.err;
    EXPECT_TRUE(files_in(out.path()).empty());
    EXPECT_EQ(test::run_facemix({"synth", "-o", out.path().string()}).exit_code, 2);  // -n is required
    const auto help = test::run_facemix({"synth", "--help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.out.find("--renders"), std::string::npos);
}

}  // namespace
}  // namespace facemix
