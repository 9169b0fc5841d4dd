// `facemix replay` without -m: the recipe's model is found by its hash among the default model and the
// recently used ones (the list the generation commands and the studio keep under XDG_CONFIG_HOME).

#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "bundle/model_bundle.h"
#include "bundle/recent_models.h"
#include "io/image_file.h"
#include "mix/cell_export.h"
#include "support/run_command.h"
#include "support/test_data.h"
#include "support/tiny_model.h"

namespace facemix {
namespace {

// A tiny model and one cell made with it, shared; every test gets its own, empty recent-models list.
class ReplayCli : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new test::TempDir();
        write_bundle(model(), test::tiny_bundle());
        for (int i = 0; i < 2; ++i) write_image_atomic(source(i), test::synthetic_source("s", 700 + i).aligned);
        if (const char* old = std::getenv("XDG_CONFIG_HOME")) original_config_ = old;
        setenv("XDG_CONFIG_HOME", (dir_->path() / "config").c_str(), 1);
        const auto mixed = test::run_facemix({"mix", "--faces", source(0), "--backgrounds", source(1), "-o", dir_->path().string(), "-m",
                                              model().string(), "--steps", "2", "--aligned", "--device", "cpu"});
        ASSERT_EQ(mixed.exit_code, 0) << mixed.err;
    }
    static void TearDownTestSuite() {
        if (original_config_) setenv("XDG_CONFIG_HOME", original_config_->c_str(), 1);
        else unsetenv("XDG_CONFIG_HOME");
        delete dir_;
    }

    void SetUp() override { setenv("XDG_CONFIG_HOME", config_.path().c_str(), 1); }  // the CLI inherits it

    static std::filesystem::path model() { return dir_->path() / "tiny.safetensors"; }
    static std::string source(int i) { return (dir_->path() / ("source" + std::to_string(i) + ".png")).string(); }
    static std::string cell() { return (dir_->path() / "r01c01_source0_x_source1.png").string(); }
    std::filesystem::path list() const { return config_.path() / "facemix" / "recent_models.txt"; }

    static test::CommandResult replay() { return test::run_facemix({"replay", cell(), "--device", "cpu"}); }

    static inline test::TempDir* dir_ = nullptr;
    static inline std::optional<std::string> original_config_;
    test::TempDir config_;
};

TEST_F(ReplayCli, FindsTheModelAGenerationCommandUsed) {
    // mix records the model with its hash; replay takes it on that record and the pixels match.
    const auto mixed = test::run_facemix({"mix", "--faces", source(0), "--backgrounds", source(1), "-o", (config_.path() / "again").string(),
                                          "-m", model().string(), "--steps", "2", "--aligned", "--device", "cpu"});
    ASSERT_EQ(mixed.exit_code, 0) << mixed.err;
    const auto recent = read_recent_models(list());
    ASSERT_EQ(recent.size(), 1u);
    EXPECT_EQ(recent[0].path, model());
    EXPECT_EQ(recent[0].model_hash, read_recipe_png(cell()).model_hash);

    const auto result = replay();
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("identical"), std::string::npos) << result.out;
    // The recorded hash put it first: the default model was never loaded to be hashed.
    EXPECT_EQ(result.err.find("facemix-synth48"), std::string::npos) << result.err;
}

TEST_F(ReplayCli, HashesModelsTheStudioOpenedAndPassesOverKnownOthers) {
    // The studio records paths without hashes; a model known (by a current hash) to be another one is
    // not loaded at all, and a file that is no model any more is passed over.
    const auto other = config_.path() / "other.safetensors";
    std::ofstream(other) << "not a model";
    const auto broken = config_.path() / "broken.safetensors";
    std::ofstream(broken) << "not a model either";
    ASSERT_TRUE(remember_model(broken));
    ASSERT_TRUE(remember_model(model()));
    ASSERT_TRUE(remember_model(other, "0123456789abcdef0123456789abcdef"));

    const auto result = replay();
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("identical"), std::string::npos) << result.out;
    EXPECT_NE(result.err.find("hashing " + model().string()), std::string::npos) << result.err;
    EXPECT_EQ(result.err.find("other.safetensors"), std::string::npos) << result.err;
    // The model's file name is the recipe's, so it was hashed before the broken file.
    EXPECT_EQ(result.err.find("broken.safetensors"), std::string::npos) << result.err;
    // Its hash is known from now on.
    bool recorded = false;
    for (const auto& entry : read_recent_models(list()))
        if (entry.path == model()) recorded = entry.model_hash == read_recipe_png(cell()).model_hash;
    EXPECT_TRUE(recorded);
}

TEST_F(ReplayCli, NoMatchingModelIsOneSentenceNamingIt) {
    const Recipe recipe = read_recipe_png(cell());
    const auto result = replay();
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("made with model tiny.safetensors (hash " + recipe.model_hash + ")"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("name it with -m"), std::string::npos) << result.err;
    EXPECT_EQ(result.out.find("identical"), std::string::npos);
}

}  // namespace
}  // namespace facemix
