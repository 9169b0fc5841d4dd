#include "bundle/model_bundle.h"
#include "bundle/random_bundle.h"
#include "common/error.h"
#include "common/one_intra_op_thread.h"
#include "io/image_file.h"
#include "mix/mix_engine.h"
#include "support/full_disk.h"
#include "support/test_data.h"
#include "support/tiny_training.h"
#include "support/input_error.h"
#include "train/face_pair_dataset.h"
#include "train/train_config.h"
#include "train/trainer.h"

#include <fstream>
#include <functional>
#include <iostream>
#include <numeric>
#include <set>
#include <sstream>

#include <ATen/ops/equal.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace facemix {
namespace {

using test::tiny_config;
using test::tiny_dataset;

std::vector<std::string> loss_rows_without_time(const std::filesystem::path& csv) {
    std::ifstream file(csv);
    std::vector<std::string> rows;
    std::string line;
    while (std::getline(file, line)) rows.push_back(line.substr(0, line.rfind(',')));
    return rows;
}

TEST(FacePairDataset, BatchesArePureFunctionsOfTheSeedAndRetrievalStaysWithinTheIdentity) {
    const FacePairDataset data(tiny_dataset(), 16, 2);
    EXPECT_EQ(data.resolution(), 16);
    EXPECT_EQ(data.identities(), 6);
    EXPECT_EQ(data.training_images(), 12);
    const FacePairBatch a = data.sample(3, 32, 1.0), b = data.sample(3, 32, 1.0), c = data.sample(4, 32, 1.0);
    EXPECT_EQ(a.images, b.images);
    EXPECT_TRUE(at::equal(a.target, b.target));
    EXPECT_NE(a.images, c.images);
    EXPECT_EQ(a.target.sizes(), (std::vector<std::int64_t>{32, 3, 16, 16}));
    EXPECT_LE(a.target.max().item<float>(), 1.0f);
    EXPECT_GE(a.target.min().item<float>(), -1.0f);
    for (std::size_t i = 0; i < a.images.size(); ++i) {
        EXPECT_LT(data.identity_of(a.images[i]), 4) << "a held-out identity was trained on";
        EXPECT_NE(a.sources[i], a.images[i]) << "retrieval_p 1 must take another render";
        EXPECT_EQ(data.identity_of(a.sources[i]), data.identity_of(a.images[i]));
    }
    const FacePairBatch same = data.sample(3, 32, 0.0);
    EXPECT_EQ(same.sources, same.images);
    EXPECT_TRUE(at::equal(same.face_source, same.target));
    // About half of the face sources are retrieved at p = 0.5.
    const FacePairBatch half = data.sample(9, 400, 0.5);
    std::size_t retrieved = 0;
    for (std::size_t i = 0; i < half.images.size(); ++i) retrieved += half.sources[i] != half.images[i];
    EXPECT_GT(retrieved, 150u);
    EXPECT_LT(retrieved, 250u);
    const auto validation = data.validation_identities(2);
    ASSERT_EQ(validation.size(), 2u);
    EXPECT_EQ(data.identity_of(validation[0][0]), 4);
    EXPECT_EQ(data.identity_of(validation[1][2]), 5);
}

TEST(Trainer, ThirtyStepsLowerTheLossOnAFixedEvaluationBatch) {
    const OneIntraOpThread one_thread;  // the tiny networks run faster, and reproducibly, on one
    test::TempDir run;
    Trainer trainer(tiny_config(30), tiny_dataset(), run.path());
    const double initial = trainer.evaluation_loss(8);
    std::vector<double> first, last;
    for (int i = 1; i <= 30; ++i) {
        trainer.train_step();
        if (i <= 10) first.push_back(trainer.evaluation_loss(8));
        if (i > 20) last.push_back(trainer.evaluation_loss(8));
    }
    const double first_mean = std::accumulate(first.begin(), first.end(), 0.0) / 10;
    const double last_mean = std::accumulate(last.begin(), last.end(), 0.0) / 10;
    std::cout << "evaluation loss: initial " << initial << ", mean of steps 1-10 " << first_mean
              << ", mean of steps 21-30 " << last_mean << "\n";
    EXPECT_LT(last_mean, 0.6 * first_mean);
    EXPECT_LT(last_mean, 0.5 * initial);
    // loss.csv has a header and one row per step.
    EXPECT_EQ(loss_rows_without_time(run.path() / "loss.csv").size(), 31u);
}

TEST(Trainer, ResumeContinuesBitIdenticallyAndTheBundleGeneratesInMixEngine) {
    const OneIntraOpThread one_thread;  // the tiny networks run faster, and reproducibly, on one
    test::TempDir split, straight;
    TrainConfig config = tiny_config(5);
    config.batch = 4;
    config.grad_accumulation = 2;  // accumulation and EMA are part of what must resume exactly
    {
        Trainer first(config, tiny_dataset(), split.path());
        first.train({}, {});
        EXPECT_EQ(first.step(), 5);
    }
    config.steps = 10;
    Trainer resumed(config, tiny_dataset(), split.path());
    EXPECT_TRUE(resumed.resumed());
    EXPECT_EQ(resumed.step(), 5);
    resumed.train({}, {});
    Trainer whole(config, tiny_dataset(), straight.path());
    EXPECT_FALSE(whole.resumed());
    whole.train({}, {});

    const TensorMap a = resumed.weights(), b = whole.weights();
    ASSERT_EQ(a.size(), b.size());
    for (const auto& [name, tensor] : a) EXPECT_TRUE(at::equal(tensor, b.at(name))) << name;
    const ModelBundle bundle_a = read_bundle(Trainer::bundle_path(split.path()));
    const ModelBundle bundle_b = read_bundle(Trainer::bundle_path(straight.path()));
    for (const auto& [name, tensor] : bundle_b.unet) EXPECT_TRUE(at::equal(bundle_a.unet.at(name), tensor)) << name;
    for (const auto& [name, tensor] : bundle_b.encoder) EXPECT_TRUE(at::equal(bundle_a.encoder.at(name), tensor)) << name;
    // The EMA weights are not the raw ones.
    EXPECT_FALSE(at::equal(bundle_b.unet.begin()->second, b.at("unet." + bundle_b.unet.begin()->first)));
    EXPECT_EQ(loss_rows_without_time(split.path() / "loss.csv"), loss_rows_without_time(straight.path() / "loss.csv"));

    // The bundle is a pixel-space face mixer at the dataset's resolution that MixEngine runs unchanged.
    EXPECT_FALSE(bundle_b.manifest.latent_space());
    EXPECT_EQ(bundle_b.manifest.native_resolution, 16);
    EXPECT_EQ(test::mix_one_cell(bundle_b, whole.dataset()).size(), cv::Size(16, 16));

    // The end of a run leaves a 2 x 2 sample grid: 3 tiles of 64 px and 2 gaps of 4 px a side.
    const cv::Mat grid = load_image(straight.path() / "samples" / "step_0000010.png");
    EXPECT_EQ(grid.size(), cv::Size(200, 200));

    // A stop request checkpoints before it throws.
    config.steps = 15;
    Trainer stopped(config, tiny_dataset(), straight.path());
    std::stop_source stop;
    stop.request_stop();
    EXPECT_THROW(stopped.train({}, stop.get_token()), Cancelled);
    EXPECT_EQ(stopped.step(), 10);
    EXPECT_TRUE(std::filesystem::exists(Trainer::state_path(straight.path())));
    EXPECT_TRUE(std::filesystem::exists(straight.path() / "loss.png"));
}

using test::input_error;

// A checkpoint that cannot be written (here a full disk) is one sentence naming the file, and the run
// folder keeps the previous checkpoint whole, with no temporary beside it.
TEST(Trainer, ACheckpointOnAFullDiskIsOneSentenceAndKeepsThePreviousOne) {
    const OneIntraOpThread one_thread;
    test::TempDir run;
    Trainer trainer(tiny_config(2), tiny_dataset(), run.path());
    trainer.train_step();
    trainer.save_checkpoint();
    const auto before = test::files_below(run.path());
    const auto bundle_size = std::filesystem::file_size(Trainer::bundle_path(run.path()));
    trainer.train_step();
    {
        const test::FullDisk full;
        const std::string message = input_error([&] { trainer.save_checkpoint(); });
        EXPECT_EQ(message.rfind("could not write " + run.path().string() + "/", 0), 0u) << message;
        EXPECT_NE(message.find(": no space left on device."), std::string::npos) << message;
    }
    EXPECT_EQ(test::files_below(run.path()), before);
    EXPECT_EQ(std::filesystem::file_size(Trainer::bundle_path(run.path())), bundle_size);
    EXPECT_NO_THROW(read_bundle(Trainer::bundle_path(run.path())));
}

// Whole-number settings go through io/json_integer.h: a float too large for them, negative for an
// unsigned one, or with a fraction, is one sentence naming the setting, never a cast.
TEST(TrainConfig, WholeNumberSettingsRefuseHugeNegativeAndFractionalFloats) {
    EXPECT_EQ(input_error([] { train_config_from_json({{"steps", 1e300}}, "c.json"); }),
              "c.json: \"steps\" has the wrong type (a whole number from -9223372036854775808 to 9223372036854775807 was "
              "expected, not 1e+300).");
    EXPECT_EQ(input_error([] { train_config_from_json({{"seed", -5.0}}, "c.json"); }),
              "c.json: \"seed\" has the wrong type (a whole number from 0 to 18446744073709551615 was expected, not -5).");
    EXPECT_NE(input_error([] { train_config_from_json({{"batch", 2.5}}, "c.json"); }).find("\"batch\" has the wrong type"),
              std::string::npos);
    EXPECT_EQ(train_config_from_json({{"steps", 40.0}}, "c.json").steps, 40);
}

TEST(TrainConfig, BadConfigsAreRefusedWithASentenceNamingTheSetting) {
    EXPECT_EQ(load_train_config("tiny-pixel").architecture, tiny_pixel_manifest());
    EXPECT_NE(input_error([] { train_config_from_json({{"steps", 0}}, "c.json"); }).find("\"steps\""), std::string::npos);
    EXPECT_NE(input_error([] { train_config_from_json({{"learning_rate", 0.1}}, "c.json"); }).find("learning_rate"),
              std::string::npos);
    EXPECT_NE(input_error([] { train_config_from_json({{"retrieval_p", 1.5}}, "c.json"); }).find("retrieval_p"),
              std::string::npos);
    EXPECT_NE(input_error([] { train_config_from_json({{"batch", "eight"}}, "c.json"); }).find("\"batch\""),
              std::string::npos);
    EXPECT_NE(input_error([] { train_config_from_json({{"architecture", "huge"}}, "c.json"); }).find("huge"),
              std::string::npos);
    EXPECT_NE(input_error([] {
                  train_config_from_json({{"architecture", manifest_to_json(face_mixer_manifest("tiny"))}}, "c.json");
              }).find("VAE"),
              std::string::npos);
    EXPECT_NE(input_error([] { load_train_config("/no/such/config.json"); }).find("/no/such/config.json"), std::string::npos);
    // A round trip keeps every setting.
    TrainConfig config = tiny_config(7);
    EXPECT_EQ(train_config_from_json(train_config_to_json(config), "round trip"), config);

    // A run folder refuses another recipe, and a dataset that cannot spare the held-out identities is refused.
    test::TempDir run;
    { Trainer first(tiny_config(1), tiny_dataset(), run.path()); first.train({}, {}); }
    TrainConfig other = tiny_config(2);
    other.lr = 1e-4;
    EXPECT_NE(input_error([&] { Trainer again(other, tiny_dataset(), run.path()); }).find("another training config"),
              std::string::npos);
    TrainConfig greedy = tiny_config(2);
    greedy.holdout_identities = 6;
    test::TempDir empty;
    EXPECT_NE(input_error([&] { Trainer again(greedy, tiny_dataset(), empty.path()); }).find("none to train on"),
              std::string::npos);
}

}  // namespace
}  // namespace facemix
