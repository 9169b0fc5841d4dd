#include "bundle/model_bundle.h"
#include "common/error.h"
#include "common/one_intra_op_thread.h"
#include "identity/face_descriptor.h"
#include "io/safetensors.h"
#include "mix/mix_engine.h"
#include "nn/descriptor_projection.h"
#include "nn/load_weights.h"
#include "support/test_data.h"
#include "train/face_pair_dataset.h"
#include "train/synthetic_dataset.h"
#include "train/token_dropout.h"
#include "train/train_config.h"
#include "train/trainer.h"

#include <cmath>
#include <fstream>
#include <numeric>

#include <ATen/ops/allclose.h>
#include <ATen/ops/rand.h>
#include <ATen/ops/randn.h>
#include <ATen/ops/tensor.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace facemix {
namespace {

std::vector<TokenSpec> face_mixer_layout() { return token_layout(Conditioning{}); }

// Per-condition dropout: of many images, each token alone and both together are zeroed at their rates,
// and no image loses a token it should keep.
TEST(TokenDropout, ZeroesEachTokenAloneAndBothAtTheirRates) {
    at::Generator generator = at::detail::createCPUGenerator(7);
    const std::int64_t n = 200000;
    const at::Tensor keep = kept_tokens(at::rand({n}, generator), face_mixer_layout(), {0.1, 0.15, 0.05});
    ASSERT_EQ(keep.sizes(), (at::IntArrayRef{n, 2, 1}));
    const at::Tensor face = keep.select(1, 0).flatten(), background = keep.select(1, 1).flatten();
    const auto share = [&](const at::Tensor& mask) { return mask.to(at::kDouble).mean().item<double>(); };
    EXPECT_NEAR(share((1 - face) * (1 - background)), 0.10, 0.005);  // both zeroed: the unconditional
    EXPECT_NEAR(share((1 - face) * background), 0.15, 0.005);        // the face token alone
    EXPECT_NEAR(share(face * (1 - background)), 0.05, 0.005);        // the background token alone
    EXPECT_NEAR(share(face * background), 0.70, 0.005);
    EXPECT_TRUE(keep.eq(0).logical_or(keep.eq(1)).all().item<bool>());
}

TEST(TokenDropout, WithoutSingleTokenRatesItIsThePlainDropoutOfEarlierRuns) {
    const at::Tensor u = at::tensor({0.05f, 0.2f, 0.09f, 0.95f});
    const at::Tensor keep = kept_tokens(u, face_mixer_layout(), {0.1, 0.0, 0.0});
    const at::Tensor plain = u.ge(0.1).to(at::kFloat).view({4, 1, 1}).expand({4, 2, 1});
    EXPECT_TRUE(at::equal(keep, plain));
}

// 6 synthetic identities x 3 renders at 32 px, with a descriptors.safetensors as prep writes it: one
// random point per identity plus a little noise per render, and a dataset.json holding out one person.
const std::filesystem::path& descriptor_dataset() {
    static test::TempDir folder;
    static const bool written = [] {
        SyntheticDatasetOptions options;
        options.output = folder.path();
        options.identities = 6;
        options.renders = 3;
        options.seed = 9;
        options.size = 64;
        write_synthetic_dataset(options);
        const FacePairDataset labels(folder.path(), 0, 0);
        at::Generator generator = at::detail::createCPUGenerator(3);
        const at::Tensor people = at::randn({labels.identities(), 128}, generator) * 0.1;
        std::vector<at::Tensor> rows;
        for (std::int64_t i = 0; i < labels.size(); ++i)
            rows.push_back(people[labels.identity_of(i)] + at::randn({128}, generator) * 0.01);
        const at::Tensor aligned = at::stack(rows);
        write_safetensors(folder.path() / "descriptors.safetensors", {{"photo", aligned}, {"aligned", aligned}});
        std::ofstream(folder.path() / "dataset.json") << nlohmann::json{{"kind", "synthetic"}, {"split", {{"held_out", {"5"}}}}}.dump();
        return true;
    }();
    (void)written;
    return folder.path();
}

TEST(FacePairDataset, TakesHeldOutPeopleFromTheSplitAndDescriptorsOfTheFaceSources) {
    const FacePairDataset data(descriptor_dataset(), 32, 2);
    EXPECT_EQ(data.held_out_identities(), 1);  // the split's one person, not the config's 2
    EXPECT_EQ(data.training_images(), 15);
    ASSERT_TRUE(data.has_descriptors());
    const FacePairBatch batch = data.sample(5, 64, 1.0, true);
    for (std::size_t b = 0; b < batch.images.size(); ++b) EXPECT_NE(data.file(batch.images[b]).find("id0005"), 0u);
    const TensorMap stored = SafetensorsFile::open(descriptor_dataset() / "descriptors.safetensors").read_all();
    for (std::size_t b = 0; b < batch.sources.size(); ++b)
        EXPECT_TRUE(at::equal(batch.face_descriptor[static_cast<std::int64_t>(b)], stored.at("aligned")[batch.sources[b]]));
    // Flips mirror some images and leave the others as drawn.
    const FacePairBatch unflipped = data.sample(5, 64, 1.0, false);
    EXPECT_EQ(batch.images, unflipped.images);
    int mirrored = 0;
    for (std::int64_t b = 0; b < 64; ++b) {
        if (at::equal(batch.target[b], unflipped.target[b])) continue;
        EXPECT_TRUE(at::equal(batch.target[b], unflipped.target[b].flip({2})));
        ++mirrored;
    }
    EXPECT_GT(mirrored, 16);
    EXPECT_LT(mirrored, 48);
}

TrainConfig descriptor_config(std::int64_t steps) {
    TrainConfig config;
    config.architecture = tiny_pixel_manifest(32);
    config.architecture.conditioning.face_token_source = "dlib-descriptor";
    config.architecture.face_projection = DescriptorProjectionConfig{128, 0, config.architecture.unet->context_dim};
    config.steps = steps;
    config.batch = 8;
    config.lr = 3e-3;
    config.warmup = 5;
    config.ema_decay = 0.9;
    config.cond_dropout = 0.1;
    config.face_dropout = 0.1;
    config.background_dropout = 0.1;
    config.flip = true;
    config.sample_every = 0;
    config.sample_steps = 3;
    config.checkpoint_every = 0;
    config.seed = 2;
    return config;
}

// The seed's first face mixers: the face token is a face-recognition descriptor through a learned
// projection. The trainer learns the projection with the UNet; the bundle carries it, names its token
// source and dropout rates, and MixEngine computes the token from the face photo's dlib descriptor.
TEST(Trainer, TrainsADescriptorFaceTokenAndMixEngineComputesItFromThePhoto) {
    const OneIntraOpThread one_thread;
    test::TempDir run;
    Trainer trainer(descriptor_config(20), descriptor_dataset(), run.path());
    const double initial = trainer.evaluation_loss(8);
    const TensorMap before = trainer.weights();
    trainer.train({}, {});
    EXPECT_LT(trainer.evaluation_loss(8), initial);
    const TensorMap after = trainer.weights();
    EXPECT_FALSE(at::equal(before.at("face_projection.out.weight"), after.at("face_projection.out.weight")))
        << "the projection did not learn";

    const ModelBundle bundle = read_bundle(Trainer::bundle_path(run.path()));
    EXPECT_EQ(bundle.manifest.conditioning.face_token_source, "dlib-descriptor");
    EXPECT_EQ(bundle.manifest.conditioning.face_dropout, 0.1);
    EXPECT_EQ(bundle.manifest.conditioning.background_dropout, 0.1);
    EXPECT_EQ(bundle.manifest.conditioning.both_dropout, 0.1);
    ASSERT_EQ(bundle.face_projection.count("out.weight"), 1u);

    MixEngine engine(bundle, "trained", ComputeTarget{});
    const cv::Mat face = trainer.dataset().image_bgr(0);
    const at::Tensor token = engine.embedder().embed(face, ImagePart::FaceIdentity);
    FaceDescriptor descriptor;
    const FaceDescriptorVector expected_descriptor = descriptor.describe_aligned(face);
    DescriptorProjection projection(*bundle.manifest.face_projection);
    load_weights(projection, bundle.face_projection, "test");
    const at::Tensor expected = projection.forward(at::tensor(std::vector<float>(expected_descriptor.begin(), expected_descriptor.end())).view({1, -1}));
    EXPECT_TRUE(at::allclose(token, expected.flatten(), 1e-5, 1e-6));

    MixJob job;
    job.faces.push_back({"face.png", "face", 0, face});
    job.backgrounds.push_back({"background.png", "background", 0, trainer.dataset().image_bgr(4)});
    job.settings.steps = 3;
    job.cells = grid_cells(1, 1, 3, SeedPolicy::Fixed);
    std::vector<CellResult> cells;
    engine.run(job, {[&](const CellResult& cell) { cells.push_back(cell); }, {}}, std::stop_token());
    ASSERT_EQ(cells.size(), 1u);
    ASSERT_TRUE(cells[0].ok()) << cells[0].error;
    EXPECT_EQ(cells[0].image.size(), cv::Size(32, 32));
}

// bf16 training runs the same code path under autocast with fp32 master weights: on the CPU here, on a
// GPU with --device cuda. Its loss follows the fp32 loss of the same seed closely.
TEST(Trainer, Bf16AutocastFollowsTheFp32LossOfTheSameSeed) {
    const OneIntraOpThread one_thread;
    test::TempDir fp32_run, bf16_run;
    TrainConfig config = descriptor_config(3);
    Trainer fp32(config, descriptor_dataset(), fp32_run.path());
    Trainer bf16(config, descriptor_dataset(), bf16_run.path(), {}, ComputeTarget{c10::Device(c10::kCPU), at::kBFloat16});
    for (int step = 0; step < 3; ++step) {
        const double a = fp32.train_step().loss, b = bf16.train_step().loss;
        EXPECT_TRUE(std::isfinite(b));
        EXPECT_NEAR(b, a, 0.05 * a) << "step " << step;
    }
    const TensorMap weights = bf16.weights();
    EXPECT_EQ(weights.at("unet.conv_in.weight").scalar_type(), at::kFloat) << "master weights must stay fp32";
    EXPECT_THROW(Trainer(config, descriptor_dataset(), bf16_run.path(), {}, ComputeTarget{c10::Device(c10::kCPU), at::kHalf}),
                 InputError);
}

TEST(Trainer, ADescriptorModelRefusesADatasetWithoutDescriptors) {
    test::TempDir data, run;
    SyntheticDatasetOptions options;
    options.output = data.path();
    options.identities = 3;
    options.renders = 2;
    options.size = 64;
    write_synthetic_dataset(options);
    try {
        Trainer trainer(descriptor_config(1), data.path(), run.path());
        FAIL() << "no InputError";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("descriptors.safetensors"), std::string::npos) << error.what();
    }
}

TEST(TrainConfig, RealPhotoPresetsDifferOnlyInTheFaceTokenSource) {
    const TrainConfig descriptor = load_train_config("real64-descriptor"), encoder = load_train_config("real64-encoder");
    EXPECT_EQ(descriptor.architecture.conditioning.face_token_source, "dlib-descriptor");
    EXPECT_TRUE(descriptor.architecture.face_projection.has_value());
    EXPECT_EQ(encoder.architecture.conditioning.face_token_source, "encoder");
    EXPECT_FALSE(encoder.architecture.face_projection.has_value());
    EXPECT_EQ(descriptor.architecture.unet, encoder.architecture.unet);
    EXPECT_EQ(descriptor.architecture.encoder, encoder.architecture.encoder);
    EXPECT_EQ(descriptor.architecture.native_resolution, 64);
    for (const TrainConfig* c : {&descriptor, &encoder}) {
        EXPECT_EQ(c->face_dropout, 0.1);
        EXPECT_EQ(c->background_dropout, 0.1);
        EXPECT_EQ(c->cond_dropout, 0.1);
        EXPECT_TRUE(c->flip);
    }
}

}  // namespace
}  // namespace facemix
