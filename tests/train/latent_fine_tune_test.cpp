#include "bundle/model_bundle.h"
#include "bundle/random_bundle.h"
#include "common/error.h"
#include "common/one_intra_op_thread.h"
#include "mix/mix_engine.h"
#include "support/test_data.h"
#include "support/tiny_training.h"
#include "support/input_error.h"
#include "train/face_pair_dataset.h"
#include "train/latent_cache.h"
#include "train/latent_target.h"
#include "train/train_config.h"
#include "train/trainer.h"

#include <cmath>
#include <functional>
#include <iostream>
#include <numbers>

#include <ATen/ATen.h>
#include <opencv2/core.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace facemix {
namespace {

// The "tiny" SD architecture (VAE with 4-channel latents at half the resolution, 32 px) with random
// weights, written as a bundle file: what `facemix train --init` fine-tunes in these tests.
std::filesystem::path write_tiny_sd_bundle(const std::filesystem::path& folder, std::uint64_t seed) {
    const std::filesystem::path path = folder / ("tiny_sd_" + std::to_string(seed) + ".safetensors");
    write_bundle(path, random_bundle(face_mixer_manifest("tiny"), seed));
    return path;
}

// A recipe that moves the tiny UNet visibly in a few dozen steps; the architecture is the init bundle's.
TrainConfig fine_tune_config(std::int64_t steps) {
    TrainConfig config;
    config.steps = steps;
    config.batch = 8;
    config.lr = 2e-3;
    config.warmup = 3;
    config.ema_decay = 0.9;
    config.cond_dropout = 0.1;
    config.face_dropout = 0.05;
    config.background_dropout = 0.05;
    config.flip = true;
    config.retrieval_p = 0.5;
    config.holdout_identities = 2;
    config.sample_every = 0;
    config.sample_steps = 3;
    config.checkpoint_every = 0;
    config.seed = 13;
    return config;
}

TrainerOptions fine_tune(const std::filesystem::path& init, const std::filesystem::path& cache = {}) {
    TrainerOptions options;
    options.init = init;
    options.cache = cache;
    return options;
}

using test::input_error;


double max_difference(const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().max().item<double>(); }

TEST(LatentFineTune, LowersTheLossKeepsTheFrozenNetworksAndTheBundleMixes) {
    const OneIntraOpThread one_thread;
    test::TempDir folder, run;
    const std::filesystem::path init_path = write_tiny_sd_bundle(folder.path(), 3);
    const ModelBundle init = read_bundle(init_path);
    TrainConfig config = fine_tune_config(30);
    config.lr_schedule = "cosine";
    config.max_grad_norm = 1.0;
    Trainer trainer(config, test::tiny_dataset(), run.path(), "test", {}, fine_tune(init_path));
    EXPECT_EQ(trainer.dataset().resolution(), 32);  // the bundle's native resolution
    const double initial = trainer.evaluation_loss(8);
    trainer.train({}, {});
    const double trained = trainer.evaluation_loss(8);
    std::cout << "latent evaluation loss: initial " << initial << ", after 30 steps " << trained << "\n";
    EXPECT_LT(trained, 0.8 * initial);

    const ModelBundle bundle = read_bundle(Trainer::bundle_path(run.path()));
    EXPECT_TRUE(bundle.manifest.latent_space());
    EXPECT_EQ(bundle.manifest.conditioning.tokens, (std::vector<std::string>{"face", "background"}));
    EXPECT_DOUBLE_EQ(bundle.manifest.conditioning.both_dropout, 0.1);
    EXPECT_DOUBLE_EQ(bundle.manifest.conditioning.face_dropout, 0.05);
    EXPECT_DOUBLE_EQ(bundle.manifest.conditioning.background_dropout, 0.05);
    EXPECT_EQ(bundle.manifest.schedule, init.manifest.schedule);
    // The frozen networks go into the bundle bit for bit; the UNet moved.
    ASSERT_EQ(bundle.vae.size(), init.vae.size());
    ASSERT_EQ(bundle.encoder.size(), init.encoder.size());
    for (const auto& [name, tensor] : init.vae) EXPECT_TRUE(at::equal(bundle.vae.at(name), tensor)) << name;
    for (const auto& [name, tensor] : init.encoder) EXPECT_TRUE(at::equal(bundle.encoder.at(name), tensor)) << name;
    double unet_change = 0;
    for (const auto& [name, tensor] : init.unet) unet_change = std::max(unet_change, max_difference(bundle.unet.at(name), tensor));
    EXPECT_GT(unet_change, 1e-3);

    const cv::Mat before = test::mix_one_cell(init, trainer.dataset()), after = test::mix_one_cell(bundle, trainer.dataset());
    ASSERT_EQ(after.size(), cv::Size(32, 32));
    const double mean_change = cv::norm(before, after, cv::NORM_L1) / static_cast<double>(after.total() * 3);
    std::cout << "mean change of the mixed image: " << mean_change << " levels\n";
    EXPECT_GT(mean_change, 2.0);
}

TEST(LatentFineTune, BadInputIsRefusedWithOneSentence) {
    const OneIntraOpThread one_thread;
    test::TempDir folder, run;
    const TrainConfig config = fine_tune_config(1);
    EXPECT_NE(input_error([&] { Trainer t(config, test::tiny_dataset(), run.path(), {}, {}, fine_tune(folder.path() / "none.safetensors")); })
                  .find("none.safetensors, does not exist"),
              std::string::npos);
    const std::filesystem::path pixel = folder.path() / "pixel.safetensors";
    write_bundle(pixel, random_bundle(tiny_pixel_manifest(32), 1));
    EXPECT_NE(input_error([&] { Trainer t(config, test::tiny_dataset(), run.path(), {}, {}, fine_tune(pixel)); }).find("has no VAE"),
              std::string::npos);
    EXPECT_NE(input_error([&] { Trainer t(config, test::tiny_dataset(), run.path(), {}, {}, fine_tune({}, folder.path())); })
                  .find("needs --init"),
              std::string::npos);
    // A run resumes only from the bundle it started from.
    const std::filesystem::path a = write_tiny_sd_bundle(folder.path(), 3), b = write_tiny_sd_bundle(folder.path(), 4);
    {
        Trainer first(config, test::tiny_dataset(), run.path(), {}, {}, fine_tune(a));
        first.save_checkpoint();
    }
    EXPECT_NE(input_error([&] { Trainer t(config, test::tiny_dataset(), run.path(), {}, {}, fine_tune(b)); }).find("another bundle"),
              std::string::npos);
}

TEST(LatentCache, ReproducesTheOnTheFlyLatentsAndTokensAndRefusesAnotherBundle) {
    const OneIntraOpThread one_thread;
    test::TempDir folder, cache_dir;
    const ModelBundle init = random_bundle(face_mixer_manifest("tiny"), 3);
    const ModelManifest manifest = fine_tune_manifest(init, "the tiny bundle");
    const LatentTarget target(init, manifest, {});
    const FacePairDataset data(test::tiny_dataset(), 32, 2);
    const LatentCache cache(cache_dir.path(), data, target, true);
    EXPECT_TRUE(cache.computed());
    const FacePairBatch batch = data.sample(7, 16, 0.5, true);
    std::size_t flipped = 0;
    for (std::size_t i = 0; i < batch.images.size(); ++i) flipped += batch.target_flipped[i] + batch.source_flipped[i];
    EXPECT_GT(flipped, 4u);  // mirrored entries are looked up too
    const at::Tensor latents = target.latents(batch.target), tokens = target.tokens(batch.target, batch.face_source);
    EXPECT_EQ(latents.sizes(), (std::vector<std::int64_t>{16, 4, 16, 16}));
    EXPECT_EQ(tokens.sizes(), (std::vector<std::int64_t>{16, 2, 32}));
    EXPECT_LT(max_difference(cache.latents(batch), latents), 1e-6);
    EXPECT_LT(max_difference(cache.tokens(batch), tokens), 1e-6);
    EXPECT_GT(tokens.abs().max().item<double>(), 1e-2);

    // A second opening reads the file; another bundle or flip setting is refused, never reused.
    const LatentCache again(cache_dir.path(), data, target, true);
    EXPECT_FALSE(again.computed());
    EXPECT_TRUE(at::equal(again.latents(batch), cache.latents(batch)));
    const ModelBundle other = random_bundle(face_mixer_manifest("tiny"), 4);
    const LatentTarget other_target(other, fine_tune_manifest(other, "another tiny bundle"), {});
    EXPECT_NE(input_error([&] { LatentCache c(cache_dir.path(), data, other_target, true); }).find("another bundle"),
              std::string::npos);
    EXPECT_NE(input_error([&] { LatentCache c(cache_dir.path(), data, target, false); }).find("flip setting"),
              std::string::npos);

    // A trainer reading the cache computes the loss it computes without one.
    const std::filesystem::path init_path = write_tiny_sd_bundle(folder.path(), 3);
    test::TempDir run_a, run_b, trainer_cache;
    const Trainer with_cache(fine_tune_config(1), test::tiny_dataset(), run_a.path(), {}, {},
                             fine_tune(init_path, trainer_cache.path()));
    const Trainer without(fine_tune_config(1), test::tiny_dataset(), run_b.path(), {}, {}, fine_tune(init_path));
    EXPECT_NEAR(with_cache.evaluation_loss(8), without.evaluation_loss(8), 1e-5);
    EXPECT_TRUE(std::filesystem::exists(LatentCache::file(trainer_cache.path())));
}

TEST(TrainSchedule, CosineDecaysAfterTheWarmUpAndClippingShrinksTheStep) {
    const OneIntraOpThread one_thread;
    TrainConfig config;
    config.architecture = tiny_pixel_manifest(16);
    config.steps = 6;
    config.batch = 2;
    config.lr = 1e-3;
    config.warmup = 2;
    config.lr_schedule = "cosine";
    config.holdout_identities = 2;
    config.sample_every = 0;
    config.checkpoint_every = 0;
    EXPECT_EQ(train_config_from_json(train_config_to_json(config), "round trip"), config);
    test::TempDir run;
    Trainer trainer(config, test::tiny_dataset(), run.path());
    const double expected[] = {0.5e-3, 1e-3, 1e-3, 0.5e-3 * (1 + std::cos(std::numbers::pi / 4)), 0.5e-3,
                               0.5e-3 * (1 + std::cos(3 * std::numbers::pi / 4))};
    for (const double lr : expected) EXPECT_NEAR(trainer.train_step().lr, lr, 1e-15);

    // Adam's first update is g / (|g| + eps) per weight: a gradient clipped to a global norm of 1e-7
    // is small against eps, so the step moves the weights much less.
    const auto first_step_change = [&](double max_grad_norm) {
        TrainConfig one = config;
        one.steps = 1;
        one.warmup = 0;
        one.max_grad_norm = max_grad_norm;
        test::TempDir folder;
        Trainer t(one, test::tiny_dataset(), folder.path());
        const TensorMap before = t.weights();
        t.train_step();
        double change = 0;
        for (const auto& [name, tensor] : t.weights()) change += (tensor - before.at(name)).pow(2).sum().item<double>();
        return std::sqrt(change);
    };
    const double free = first_step_change(0), clipped = first_step_change(1e-7);
    std::cout << "first-step weight change: unclipped " << free << ", clipped to 1e-7 " << clipped << "\n";
    EXPECT_LT(clipped, 0.5 * free);

    EXPECT_NE(input_error([] { train_config_from_json({{"lr_schedule", "linear"}}, "c.json"); }).find("\"lr_schedule\""),
              std::string::npos);
    EXPECT_NE(input_error([] { train_config_from_json({{"max_grad_norm", -1}}, "c.json"); }).find("\"max_grad_norm\""),
              std::string::npos);
}

}  // namespace
}  // namespace facemix
