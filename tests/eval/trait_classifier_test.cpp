#include "eval/trait_classifier.h"

#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>

#include <nlohmann/json.hpp>

#include <ATen/ops/zeros.h>
#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "common/error.h"
#include "eval/trained_classifier.h"
#include "io/safetensors.h"
#include "support/test_data.h"
#include "train/synthetic_dataset.h"

namespace facemix {
namespace {

std::size_t trait_index(const std::string& name) {
    const auto& traits = classified_traits();
    for (std::size_t i = 0; i < traits.size(); ++i)
        if (traits[i].name == name) return i;
    throw std::out_of_range(name);
}

std::string file_bytes(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(file), {}};
}

TEST(TraitClassifier, CoversTheCategoricalTraitsWithTheirChance) {
    const auto& traits = classified_traits();
    ASSERT_EQ(traits.size(), 20u);  // 9 identity + 11 scene categorical traits
    EXPECT_EQ(traits[trait_index("hair_colour")].hidden_by, "hair_style");
    EXPECT_EQ(traits[trait_index("skin_tone")].classes.size(), 8u);
    EXPECT_EQ(traits[trait_index("skin_tone")].group, TraitGroup::Identity);
    EXPECT_EQ(traits[trait_index("hair_colour")].group, TraitGroup::Scene);
    EXPECT_DOUBLE_EQ(traits[trait_index("skin_tone")].chance, 1.0 / 8);
    EXPECT_DOUBLE_EQ(traits[trait_index("hat")].chance, 0.5);      // none half the time
    EXPECT_DOUBLE_EQ(traits[trait_index("glasses")].chance, 0.5);
    SceneTraits scene;
    scene.hat = 0;
    scene.hat_colour = 5;
    EXPECT_FALSE(traits[trait_index("hat_colour")].visible(scene));
    scene.hat = 2;
    EXPECT_TRUE(traits[trait_index("hat_colour")].visible(scene));
    EXPECT_EQ(traits[trait_index("hat_colour")].label({}, scene), 5);
    EXPECT_NE(held_out_synthetic_seed(21), 21u);
}

TEST(TraitClassifier, SyntheticViewShrinksA64PxRender) {
    const IdentityTraits identity = synthetic_identity(4, 1);
    const SceneTraits scene = synthetic_scene(4, 1, 0);
    const cv::Mat view = synthetic_view(identity, scene, 32);
    ASSERT_EQ(view.size(), cv::Size(32, 32));
    ASSERT_EQ(view.type(), CV_8UC3);
    const cv::Mat big = render_face(identity, scene, 64);
    // Area averaging: each pixel is the mean of its 2x2 block (to within rounding).
    cv::Mat block(big, cv::Rect(20, 30, 2, 2));
    const cv::Scalar mean = cv::mean(block);
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(view.at<cv::Vec3b>(15, 10)[c], mean[c], 1.0);
    EXPECT_EQ(synthetic_view(identity, scene, 64).size(), cv::Size(64, 64));
}

// The instrument itself: after a short training on renders of other identities it reads the large
// traits of held-out identities far above chance. These accuracies are the ceiling of every evaluation.
TEST(TraitClassifier, LearnsTheVisibleTraitsOfHeldOutIdentities) {
    const OneIntraOpThread one_thread;
    const auto start = std::chrono::steady_clock::now();
    const TraitClassifier& classifier = test::trained_test_classifier();
    const std::vector<double> accuracy = classifier.held_out_accuracy(512);
    const auto& traits = classified_traits();
    for (std::size_t t = 0; t < traits.size(); ++t)
        std::cout << traits[t].name << ": " << accuracy[t] << " (chance " << traits[t].chance << ")\n";
    std::cout << "classifier + ceiling: "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s\n";
    // Measured 0.75, 0.43, 0.42, 0.97 and 0.88 (chance 0.125, 0.11, 0.083, 0.125, 0.125).
    EXPECT_GT(accuracy[trait_index("skin_tone")], 0.6);
    EXPECT_GT(accuracy[trait_index("hair_colour")], 0.3);
    EXPECT_GT(accuracy[trait_index("background_colour")], 0.3);
    EXPECT_GT(accuracy[trait_index("shirt_colour")], 0.85);
    EXPECT_GT(accuracy[trait_index("hat_colour")], 0.7);
    // Every trait at least as good as always guessing the most common value.
    for (std::size_t t = 0; t < traits.size(); ++t) EXPECT_GE(accuracy[t], traits[t].chance - 0.05) << traits[t].name;
}

TEST(TraitClassifier, TrainingIsDeterministicAndSurvivesSaveAndLoad) {
    const OneIntraOpThread one_thread;
    const test::TempDir folder;
    TraitClassifierConfig config = test::test_classifier_config();
    config.steps = 4;
    TraitClassifier first(config), second(config);
    first.train();
    second.train();
    first.save(folder.path() / "first.safetensors");
    second.save(folder.path() / "second.safetensors");
    EXPECT_EQ(file_bytes(folder.path() / "first.safetensors"), file_bytes(folder.path() / "second.safetensors"));

    const TraitClassifier loaded = TraitClassifier::load(folder.path() / "first.safetensors");
    EXPECT_EQ(loaded.config(), config);
    std::vector<cv::Mat> images;
    for (int i = 0; i < 8; ++i) images.push_back(synthetic_view(synthetic_identity(9, i), synthetic_scene(9, i, 0), 32));
    EXPECT_EQ(loaded.classify(images), first.classify(images));

    // Another seed trains other weights.
    config.seed += 1;
    TraitClassifier third(config);
    third.train();
    third.save(folder.path() / "third.safetensors");
    EXPECT_NE(file_bytes(folder.path() / "first.safetensors"), file_bytes(folder.path() / "third.safetensors"));
}

TEST(TraitClassifier, CacheIsReusedOnlyForTheSameConfig) {
    const OneIntraOpThread one_thread;
    const test::TempDir folder;
    TraitClassifierConfig config = test::test_classifier_config();
    config.steps = 2;
    const auto cache = folder.path() / "cache.safetensors";
    int steps_run = 0;
    const auto count = [&](std::int64_t, std::int64_t, double) { ++steps_run; };
    load_or_train_trait_classifier(cache, config, count);
    EXPECT_EQ(steps_run, 2);
    load_or_train_trait_classifier(cache, config, count);
    EXPECT_EQ(steps_run, 2);  // reused
    config.steps = 3;
    EXPECT_EQ(load_or_train_trait_classifier(cache, config, count).config().steps, 3);
    EXPECT_EQ(steps_run, 5);  // retrained
    EXPECT_EQ(TraitClassifier::load(cache).config().steps, 3);
}

TEST(TraitClassifier, RefusesFilesThatAreNotClassifiers) {
    const test::TempDir folder;
    const auto path = folder.path() / "other.safetensors";
    write_safetensors(path, {{"x", at::zeros({2})}}, {{"format", "something-else"}});
    EXPECT_THROW(TraitClassifier::load(path), InputError);
    TraitClassifierConfig config;
    config.resolution = 48;
    EXPECT_THROW(TraitClassifier{config}, InputError);
}

// The config in a classifier file is read through io/json_integer.h: a whole number too large, negative
// or fractional is one sentence naming the file and the setting.
TEST(TraitClassifier, RefusesAConfigWithHugeNegativeOrFractionalWholeNumbers) {
    const test::TempDir folder;
    TraitClassifierConfig config = test::test_classifier_config();
    config.steps = 0;
    TraitClassifier(config).save(folder.path() / "good.safetensors");
    const SafetensorsFile good = SafetensorsFile::open(folder.path() / "good.safetensors");
    const auto refusal = [&](const char* key, double value) -> std::string {
        TensorMetadata meta = good.metadata();
        auto json = nlohmann::json::parse(meta.at("config"));
        json[key] = value;
        meta["config"] = json.dump();
        const auto path = folder.path() / (std::string(key) + ".safetensors");
        write_safetensors(path, good.read_all(), meta);
        try {
            TraitClassifier::load(path);
        } catch (const InputError& error) {
            return error.what();
        }
        return "accepted";
    };
    const std::string file = (folder.path() / "steps.safetensors").string();
    EXPECT_EQ(refusal("steps", 1e300),
              file + "'s trait classifier config: \"steps\" must be a whole number from 0 to 100000000, not 1e+300.");
    EXPECT_NE(refusal("seed", -5.0).find("\"seed\" must be a whole number from 0 to 18446744073709551615, not -5.0."),
              std::string::npos);
    EXPECT_NE(refusal("resolution", 32.5).find("\"resolution\" must be a whole number from 8 to 64, not 32.5."), std::string::npos);
}

}  // namespace
}  // namespace facemix
