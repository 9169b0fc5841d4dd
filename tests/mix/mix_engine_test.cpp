#include <atomic>
#include <cstdlib>
#include <chrono>
#include <thread>

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "common/error.h"
#include "mix/cell_export.h"
#include "mix/cell_sampler.h"
#include "mix/mix_engine.h"
#include "nn/autoencoder_kl.h"
#include "nn/clip_vision.h"
#include "nn/load_weights.h"
#include "nn/unet.h"
#include "support/resident_pages.h"
#include "support/test_data.h"
#include "support/tiny_model.h"

namespace facemix {
namespace {

MixJob grid_job(std::size_t faces, std::size_t backgrounds) {
    MixJob job;
    for (std::size_t i = 0; i < faces; ++i) job.faces.push_back(test::synthetic_source("face" + std::to_string(i), 100 + static_cast<int>(i)));
    for (std::size_t i = 0; i < backgrounds; ++i)
        job.backgrounds.push_back(test::synthetic_source("bg" + std::to_string(i), 200 + static_cast<int>(i)));
    job.settings.steps = 4;
    job.cells = grid_cells(faces, backgrounds, 42, SeedPolicy::PerCell);
    return job;
}

std::vector<CellResult> run_all(MixEngine& engine, const MixJob& job, SamplingStats* stats = nullptr) {
    std::vector<CellResult> results;
    engine.run(job, {[&](const CellResult& result) { results.push_back(result); }, {}}, std::stop_token(), stats);
    return results;
}

double max_difference(const cv::Mat& a, const cv::Mat& b) {
    cv::Mat difference;
    cv::absdiff(a, b, difference);
    double largest = 0;
    cv::minMaxLoc(difference.reshape(1), nullptr, &largest);
    return largest;
}

// FACEMIX_TEST_DEVICE=cuda runs the same tests on a GPU (CI has none; the device check does).
ComputeTarget test_target() {
    const char* device = std::getenv("FACEMIX_TEST_DEVICE");
    return resolve_compute_target(device ? device : "cpu", "fp32");
}

MixEngine& tiny_engine() {
    static MixEngine engine(test::tiny_bundle(), "tiny", test_target());
    return engine;
}

std::size_t mapped_weight_pages(const torch::nn::Module& network) {
    std::size_t pages = 0;
    for (const auto& [name, weight] : module_weights(network)) pages += test::mapped_pages(weight);
    return pages;
}

ComputeTarget target_with(WeightResidency residency) {
    ComputeTarget target = test_target();
    target.residency = residency;
    return target;
}

// A job's phases do not add up in memory when it streams its weights: with the weights mapped from the
// model file, as a user's model is, the encoder leaves after embedding, the UNet before decoding and the
// decoder at the end, so after a job none of them holds a page of the file in the process.
TEST(MixEngine, AStreamedJobLeavesNoNetworksWeightsInMemory) {
    if (!test_target().device.is_cpu()) GTEST_SKIP() << "weights are mapped from the file only on the CPU";
    test::TempDir dir;
    write_bundle(dir.path() / "tiny.safetensors", test::tiny_bundle());
    MixEngine engine(read_bundle(dir.path() / "tiny.safetensors"), "tiny", target_with(WeightResidency::Streamed));
    EXPECT_EQ(engine.target().residency, WeightResidency::Streamed);
    MixJob job = grid_job(1, 1);
    job.settings.steps = 2;
    const auto results = run_all(engine, job);
    ASSERT_EQ(results.size(), 1u);
    ASSERT_TRUE(results.front().ok()) << results.front().error;
    const ModelNetworks& networks = engine.networks();
    EXPECT_EQ(mapped_weight_pages(*networks.encoder), 0u);
    EXPECT_EQ(mapped_weight_pages(*networks.unet), 0u);
    EXPECT_EQ(mapped_weight_pages(*networks.vae), 0u);
    // The check sees pages where there are some: a bare UNet call brings the UNet's back.
    at::NoGradGuard no_grad;
    (void)networks.unet->forward(at::randn({2, engine.manifest().unet->in_channels, 8, 8}), at::full({1}, 500.0),
                                 at::zeros({2, 2, engine.manifest().unet->context_dim}));
    EXPECT_GT(mapped_weight_pages(*networks.unet), 0u);
}

// Resident weights are read in when the model opens, so the first cell pays no page faults for them,
// and stay in through every phase; the images are those of streamed weights, bit for bit.
TEST(MixEngine, ResidentWeightsComeInWithTheModelAndStay) {
    if (!test_target().device.is_cpu()) GTEST_SKIP() << "weights are mapped from the file only on the CPU";
    test::TempDir dir;
    write_bundle(dir.path() / "tiny.safetensors", test::tiny_bundle());
    MixEngine resident(read_bundle(dir.path() / "tiny.safetensors"), "tiny", target_with(WeightResidency::Resident));
    std::size_t all_pages = 0;
    for (const torch::nn::Module* network : resident.networks().present()) {
        std::size_t pages = 0;
        for (const auto& [name, weight] : module_weights(*network)) {
            pages += test::whole_pages(weight);
            EXPECT_EQ(test::mapped_pages(weight), test::whole_pages(weight)) << name << " was not read in with the model";
        }
        all_pages += pages;
    }
    ASSERT_GT(all_pages, 0u) << "the check needs weights that span whole pages";
    MixJob job = grid_job(1, 1);
    job.settings.steps = 2;
    const auto kept = run_all(resident, job);
    ASSERT_EQ(kept.size(), 1u);
    ASSERT_TRUE(kept.front().ok()) << kept.front().error;
    std::size_t after = 0;
    for (const torch::nn::Module* network : resident.networks().present()) after += mapped_weight_pages(*network);
    EXPECT_EQ(after, all_pages) << "a resident job handed weight pages back";

    MixEngine streamed(read_bundle(dir.path() / "tiny.safetensors"), "tiny", target_with(WeightResidency::Streamed));
    const auto paged = run_all(streamed, job);
    ASSERT_EQ(paged.size(), 1u);
    ASSERT_TRUE(paged.front().ok()) << paged.front().error;
    EXPECT_EQ(max_difference(kept.front().image, paged.front().image), 0.0);
}

// Auto keeps a model this small resident, and says so in the engine's description.
TEST(MixEngine, AutoKeepsASmallModelResident) {
    if (!test_target().device.is_cpu()) GTEST_SKIP() << "the choice is the CPU's";
    EXPECT_EQ(tiny_engine().target().residency, WeightResidency::Resident);
    EXPECT_EQ(tiny_engine().target().description(), "cpu, fp32, weights resident");
    EXPECT_FALSE(tiny_engine().networks().unet->weight_streaming());
}

TEST(MixEngine, GridHasOneCellPerPairWithItsSeedAndPosition) {
    MixJob job = grid_job(2, 3);
    const auto results = run_all(tiny_engine(), job);
    ASSERT_EQ(results.size(), 6u);
    for (std::size_t k = 0; k < results.size(); ++k) {
        const CellResult& cell = results[k];
        ASSERT_TRUE(cell.ok()) << cell.error;
        EXPECT_EQ(cell.request.row, k / 3);
        EXPECT_EQ(cell.request.column, k % 3);
        EXPECT_EQ(cell.request.seed, 42 + k);
        EXPECT_EQ(cell.image.size(), cv::Size(32, 32));
        EXPECT_EQ(cell.image.type(), CV_8UC3);
        EXPECT_EQ(cell.recipe.face.sources.at(0).file, "face" + std::to_string(k / 3));
        EXPECT_EQ(cell.recipe.background.sources.at(0).file, "bg" + std::to_string(k % 3));
    }
    // Different sources or seeds give different pictures.
    EXPECT_GT(max_difference(results[0].image, results[1].image), 0.0);
    const auto fixed = grid_cells(2, 2, 9, SeedPolicy::Fixed);
    for (const auto& cell : fixed) EXPECT_EQ(cell.seed, 9u);
}

TEST(MixEngine, SameSeedSameMachineIsBitIdenticalAndReplayRebuildsTheBatch) {
    MixJob job = grid_job(2, 2);
    job.batch_cells = 4;
    const auto first = run_all(tiny_engine(), job);
    const auto again = run_all(tiny_engine(), job);
    job.batch_cells = 1;
    const auto alone = run_all(tiny_engine(), job);
    ASSERT_EQ(first.size(), 4u);
    for (std::size_t k = 0; k < first.size(); ++k) {
        EXPECT_EQ(max_difference(first[k].image, again[k].image), 0.0) << "cell " << k;
        EXPECT_EQ(first[k].recipe.batch_cells, 4u);
        EXPECT_EQ(max_difference(tiny_engine().replay(first[k].recipe, {}, std::stop_token()), first[k].image), 0.0) << "cell " << k;
        // A cell alone is another matrix shape, and gemm kernels (LibTorch's MKL on the CPU, cuBLAS) pick
        // their blocking by shape, so a pixel may move a level or two; replay rebuilds the batch, so it stays exact.
        EXPECT_LE(max_difference(first[k].image, alone[k].image), test_target().device.is_cpu() ? 1.0 : 2.0) << "cell " << k;
    }
}

TEST(MixEngine, EveryCellIsEmbeddedOncePerSourcePart) {
    MixEngine engine(test::tiny_bundle(), "tiny", test_target());
    MixJob job = grid_job(2, 3);
    job.settings.steps = 1;
    run_all(engine, job);
    EXPECT_EQ(engine.embedder().computed(), 5u);  // 2 face crops + 3 masked backgrounds
    run_all(engine, job);
    EXPECT_EQ(engine.embedder().computed(), 5u);
}

TEST(MixEngine, AFailedCellDoesNotStopTheGrid) {
    MixJob job = grid_job(2, 2);
    job.faces[1].aligned = cv::Mat(10, 20, CV_8UC3);  // not square: cannot be embedded
    const auto results = run_all(tiny_engine(), job);
    ASSERT_EQ(results.size(), 4u);
    std::size_t failed = 0;
    for (const auto& result : results) {
        if (result.request.row == 1) {
            EXPECT_FALSE(result.ok());
            EXPECT_NE(result.error.find("square"), std::string::npos) << result.error;
            EXPECT_TRUE(result.image.empty());
            ++failed;
        } else {
            EXPECT_TRUE(result.ok()) << result.error;
        }
    }
    EXPECT_EQ(failed, 2u);
}

// A cell that cannot be written (a full disk) is not the cell's fault: sampling it again alone would
// fail the same way once per cell, so the job ends at the first one and the error reaches the caller.
TEST(MixEngine, ACallbackThatThrowsEndsTheJobWithoutSamplingAgain) {
    MixJob job = grid_job(2, 2);
    job.batch_cells = 4;
    SamplingStats stats;
    std::size_t calls = 0;
    MixCallbacks callbacks{[&](const CellResult&) {
                               ++calls;
                               throw std::runtime_error("could not write out/cell.png: no space left on device.");
                           },
                           {}};
    try {
        tiny_engine().run(job, callbacks, std::stop_token(), &stats);
        FAIL() << "the callback's error did not reach the caller";
    } catch (const std::runtime_error& error) {
        EXPECT_STREQ(error.what(), "could not write out/cell.png: no space left on device.");
    }
    EXPECT_EQ(calls, 1u);
    EXPECT_EQ(stats.unet_calls, job.settings.steps);  // the batch of four, once
}

TEST(MixEngine, CancelTakesEffectBeforeTheNextUNetCall) {
    MixJob job = grid_job(1, 2);
    job.settings.steps = 20;
    std::stop_source stop;
    SamplingStats stats;
    std::size_t cells = 0;
    MixCallbacks callbacks{[&](const CellResult&) { ++cells; },
                           [&](const JobProgress& progress) {
                               if (progress.step == 3) stop.request_stop();
                           }};
    EXPECT_THROW(tiny_engine().run(job, callbacks, stop.get_token(), &stats), Cancelled);
    EXPECT_EQ(stats.unet_calls, 3);
    EXPECT_EQ(cells, 0u);
}

TEST(MixEngine, CancelFromAnotherThreadStopsWithinOneUNetCall) {
    MixEngine engine(test::tiny_bundle(), "tiny", test_target());
    MixJob job = grid_job(1, 1);
    job.settings.steps = 500;
    std::stop_source stop;
    SamplingStats stats;
    std::atomic<int> last_step{0};
    std::atomic<int> step_at_request{-1};
    std::thread canceller([&] {
        while (last_step < 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        step_at_request = last_step.load();
        stop.request_stop();
    });
    std::string error;
    MixCallbacks callbacks{[&](const CellResult& cell) { error = cell.error; },
                           [&](const JobProgress& progress) { last_step = progress.step; }};
    EXPECT_THROW(engine.run(job, callbacks, stop.get_token(), &stats), Cancelled);
    last_step = 500;  // lets the canceller finish even when the job ended some other way
    canceller.join();
    ASSERT_GE(step_at_request, 2) << error;
    // Counted in UNet calls, not seconds, so a loaded machine cannot fail it: at most the call that was
    // in flight when the request came runs after it.
    EXPECT_LE(stats.unet_calls, step_at_request + 1) << error;
}

TEST(MixEngine, RecipeRoundTripsThroughThePngAndReplaysTheSamePixels) {
    MixJob job = grid_job(1, 2);
    job.settings.face_scale = 4.0;
    job.settings.background_scale = 2.0;
    job.token_weights = {1.0, 0.75};
    job.batch_cells = 2;
    const auto results = run_all(tiny_engine(), job);
    ASSERT_EQ(results.size(), 2u);
    test::TempDir dir;
    const auto path = dir.path() / "cell.png";
    write_recipe_png(path, results[1].image, results[1].recipe);
    const Recipe recipe = read_recipe_png(path);
    EXPECT_EQ(recipe, results[1].recipe);
    EXPECT_EQ(recipe.settings.face_scale, 4.0);
    EXPECT_EQ(recipe.token_weights, (std::vector<double>{1.0, 0.75}));
    EXPECT_EQ(recipe.model_hash, tiny_engine().model_hash());
    EXPECT_EQ(recipe.condition.size(), 2u * 32u);
    const cv::Mat replayed = tiny_engine().replay(recipe, {}, std::stop_token());
    EXPECT_EQ(max_difference(replayed, results[1].image), 0.0);
}

TEST(MixEngine, ReplayRefusesAnotherModel) {
    MixJob job = grid_job(1, 1);
    const auto results = run_all(tiny_engine(), job);
    Recipe recipe = results.at(0).recipe;
    recipe.model_hash = "0123456789abcdef";
    EXPECT_THROW(tiny_engine().replay(recipe, {}, std::stop_token()), InputError);
}

TEST(MixEngine, SeparateGuidanceDiffersFromPlainGuidanceAndEqualScalesOnTheirOwnDoNot) {
    MixJob job = grid_job(1, 1);
    job.settings.cfg_scale = 3.0;
    const cv::Mat plain = run_all(tiny_engine(), job).at(0).image;
    job.settings.face_scale = 6.0;
    job.settings.background_scale = 1.0;
    const cv::Mat separate = run_all(tiny_engine(), job).at(0).image;
    EXPECT_GT(max_difference(plain, separate), 0.0);
}

TEST(MixEngine, SdeditAtStrengthZeroReturnsItsInputAndAtOneIgnoresIt) {
    MixJob job = grid_job(1, 1);
    job.init = test::synthetic_source("photo", 300, 32);  // the model's native size, so no resampling
    job.settings.strength = 0.0;
    const auto same = run_all(tiny_engine(), job);
    ASSERT_TRUE(same.at(0).ok()) << same.at(0).error;
    EXPECT_EQ(max_difference(same.at(0).image, job.init->aligned), 0.0);
    job.settings.strength = 0.5;
    const auto edited = run_all(tiny_engine(), job);
    ASSERT_TRUE(edited.at(0).ok()) << edited.at(0).error;
    EXPECT_GT(max_difference(edited.at(0).image, job.init->aligned), 0.0);
    EXPECT_EQ(edited.at(0).recipe.init->file, "photo");
    const cv::Mat replayed = tiny_engine().replay(edited.at(0).recipe, job.init->aligned, std::stop_token());
    EXPECT_EQ(max_difference(replayed, edited.at(0).image), 0.0);
}

TEST(MixEngine, InterpolationFramesShareTheSeedAndEndOnTheKeyframes) {
    MixJob job = grid_job(2, 1);
    job.batch_cells = 1;  // compared with cells of the grid below, sampled one by one too
    job.cells = interpolation_cells(InterpolationAxis::Face, 2, 5, 11, Interpolation::Slerp);
    ASSERT_EQ(job.cells.size(), 5u);
    for (const auto& cell : job.cells) EXPECT_EQ(cell.seed, 11u);
    EXPECT_DOUBLE_EQ(job.cells[2].face.t, 0.5);
    const auto frames = run_all(tiny_engine(), job);
    ASSERT_EQ(frames.size(), 5u);
    MixJob ends = grid_job(2, 1);
    ends.batch_cells = 1;
    ends.cells = grid_cells(2, 1, 11, SeedPolicy::Fixed);
    const auto keyframes = run_all(tiny_engine(), ends);
    EXPECT_EQ(max_difference(frames.front().image, keyframes[0].image), 0.0);
    EXPECT_EQ(max_difference(frames.back().image, keyframes[1].image), 0.0);
    EXPECT_GT(max_difference(frames[2].image, frames.front().image), 0.0);
    EXPECT_EQ(frames[2].recipe.face.sources.size(), 2u);
    EXPECT_DOUBLE_EQ(frames[2].recipe.face.t, 0.5);
}

TEST(MixEngine, RefusesImpossibleSettingsWithASentence) {
    MixJob job = grid_job(1, 1);
    job.settings.resolution = 66;
    EXPECT_THROW(run_all(tiny_engine(), job), InputError);
    job.settings.resolution = 0;
    job.settings.sampler = "nonsense";
    EXPECT_THROW(run_all(tiny_engine(), job), InputError);
    job.settings.sampler = "ddim";
    job.settings.steps = 0;
    EXPECT_THROW(run_all(tiny_engine(), job), InputError);
}

// Settings are checked against the model's own schedule, once, before any cell: 100 steps fit SD's
// 1000 training timesteps but not a 50-timestep model's.
TEST(MixEngine, ChecksTheStepsAgainstTheModelsSchedule) {
    SamplingSettings settings;
    settings.steps = 100;
    NoiseSchedule short_schedule;
    short_schedule.train_timesteps = 50;
    EXPECT_NO_THROW(check_sampling_settings(settings, NoiseSchedule{}));
    EXPECT_THROW(check_sampling_settings(settings, short_schedule), InputError);
    settings.steps = 50;
    EXPECT_NO_THROW(check_sampling_settings(settings, short_schedule));
}

}  // namespace
}  // namespace facemix
