#include <fstream>

#include <gtest/gtest.h>

#include "bundle/recent_models.h"
#include "support/test_data.h"

namespace facemix {
namespace {

std::filesystem::path touch(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path) << text;
    return path;
}

TEST(RecentModels, NewestFirstOnceEachAndAtMostTen) {
    test::TempDir dir;
    const auto list = dir.path() / "facemix" / "recent_models.txt";
    EXPECT_TRUE(read_recent_models(list).empty());  // no file yet
    for (int i = 0; i < 12; ++i) ASSERT_TRUE(remember_model(touch(dir.path() / ("m" + std::to_string(i)), "x"), {}, list));
    ASSERT_TRUE(remember_model(dir.path() / "m5", "abc", list));
    const auto models = read_recent_models(list);
    ASSERT_EQ(models.size(), kMaxRecentModels);
    EXPECT_EQ(models[0].path, dir.path() / "m5");
    EXPECT_EQ(models[0].model_hash, "abc");
    EXPECT_EQ(models[1].path, dir.path() / "m11");
    EXPECT_TRUE(models[1].model_hash.empty());
    EXPECT_EQ(models.back().path, dir.path() / "m2");  // m0 and m1 fell off the end; m5 moved up
}

TEST(RecentModels, AHashHoldsOnlyWhileTheFileIsUnchanged) {
    test::TempDir dir;
    const auto list = dir.path() / "recent.txt";
    const auto model = touch(dir.path() / "model.safetensors", "weights");
    ASSERT_TRUE(remember_model(model, "abc", list));
    ASSERT_TRUE(remember_model(model, {}, list));  // opened again without hashing: the hash is kept
    auto models = read_recent_models(list);
    ASSERT_EQ(models.size(), 1u);
    EXPECT_EQ(models[0].model_hash, "abc");
    EXPECT_TRUE(models[0].hash_current());

    touch(model, "other weights");
    EXPECT_FALSE(read_recent_models(list)[0].hash_current());
    ASSERT_TRUE(remember_model(model, {}, list));  // changed since: the old hash no longer holds
    EXPECT_TRUE(read_recent_models(list)[0].model_hash.empty());

    ASSERT_TRUE(record_model_hash(model, "def", list));
    EXPECT_TRUE(read_recent_models(list)[0].hash_current());
    EXPECT_FALSE(record_model_hash(dir.path() / "never_opened", "x", list));
    EXPECT_FALSE(remember_model(dir.path() / "missing", {}, list));
}

TEST(RecentModels, UnreadableLinesAreSkipped) {
    test::TempDir dir;
    const auto list = touch(dir.path() / "recent.txt", "garbage\n-\t12\t34\t/a/model\nabc\tx\t1\t/b\n");
    const auto models = read_recent_models(list);
    ASSERT_EQ(models.size(), 1u);
    EXPECT_EQ(models[0].path, "/a/model");
    EXPECT_EQ(models[0].size, 12u);
    EXPECT_FALSE(models[0].hash_current());
}

TEST(RecentModels, TheFileIsUnderXdgConfigHome) {
    const char* old = std::getenv("XDG_CONFIG_HOME");
    const std::string saved = old ? old : "";
    setenv("XDG_CONFIG_HOME", "/somewhere", 1);
    EXPECT_EQ(recent_models_file(), std::filesystem::path("/somewhere/facemix/recent_models.txt"));
    if (old) setenv("XDG_CONFIG_HOME", saved.c_str(), 1);
    else unsetenv("XDG_CONFIG_HOME");
}

}  // namespace
}  // namespace facemix
