#include "nn/clip_vision.h"

#include "common/error.h"
#include "io/safetensors.h"
#include "nn/clip_names_hf.h"
#include "nn/clip_names_openai.h"
#include "nn/clip_vision_config.h"
#include "nn/load_weights.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <c10/util/Exception.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace facemix {
namespace {

// The tiny configurations of tools/goldens/make_clip_goldens.py, whose heads are 16 wide.
constexpr std::int64_t kTinyHeadWidth = 16;

struct Golden {
    std::string name;  // file stem under tests/fixtures/clip
    ClipVisionConfig config;
};

std::vector<Golden> goldens() {
    ClipVisionConfig quick_gelu{.image_size = 32, .patch_size = 8, .width = 32, .layers = 2, .heads = 2,
                                .intermediate_size = 64, .projection_dim = 16, .layer_norm_eps = 1e-5,
                                .activation = ClipActivation::QuickGelu};
    ClipVisionConfig gelu{.image_size = 24, .patch_size = 6, .width = 48, .layers = 1, .heads = 3,
                          .intermediate_size = 96, .projection_dim = 8, .layer_norm_eps = 1e-5,
                          .activation = ClipActivation::Gelu};
    return {{"quick_gelu", quick_gelu}, {"gelu", gelu}};
}

TensorMap read_fixture(const std::string& stem) {
    return SafetensorsFile::open(std::filesystem::path(FACEMIX_FIXTURES_DIR) / "clip" / (stem + ".safetensors"))
        .read_all();
}

double max_abs_error(const at::Tensor& actual, const at::Tensor& expected) {
    return (actual.to(at::kFloat) - expected).abs().max().item<double>();
}

std::string scientific(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2e", value);
    return text;
}

std::set<std::string> names_of(const TensorMap& weights) {
    std::set<std::string> names;
    for (const auto& item : weights) names.insert(item.first);
    return names;
}

// The model of `golden` with its weights loaded from the fixture in transformers or OpenAI naming.
std::shared_ptr<ClipVisionModel> loaded_model(const Golden& golden, const std::string& naming) {
    const TensorMap file = read_fixture(golden.name + "_" + naming);
    const TensorMap canonical = naming == "hf" ? clip_vision_weights_from_hf(file) : clip_vision_weights_from_openai(file);
    auto model = std::make_shared<ClipVisionModel>(golden.config);
    load_weights(*model, canonical, golden.name + "_" + naming);
    return model;
}

// The message of the InputError that `load` throws, or "" when it throws none.
template <typename Load>
std::string input_error_of(Load&& load) {
    try {
        load();
    } catch (const InputError& error) {
        return error.what();
    }
    return "";
}

TEST(ClipVisionModel, ParameterNamesAreTransformersStateDictNames) {
    // gelu_hf is CLIPVisionModelWithProjection's state dict exactly as transformers saved it.
    const Golden golden = goldens().back();
    EXPECT_EQ(names_of(module_weights(ClipVisionModel(golden.config))), names_of(read_fixture("gelu_hf")));
}

TEST(ClipVisionGolden, BothNamingsReproduceTransformers) {
    for (const Golden& golden : goldens()) {
        const TensorMap reference = read_fixture(golden.name + "_reference");
        for (const std::string naming : {"hf", "openai"}) {
            SCOPED_TRACE(golden.name + " in " + naming + " naming");
            const auto model = loaded_model(golden, naming);
            const at::Tensor embeds = model->forward(reference.at("pixel_values"));
            ASSERT_EQ(embeds.sizes(), reference.at("image_embeds").sizes());
            const double error = max_abs_error(embeds, reference.at("image_embeds"));
            RecordProperty(golden.name + "_" + naming + "_max_abs_error", scientific(error));
            EXPECT_LE(error, 1e-4);
        }
    }
}

TEST(ClipVisionGolden, PreprocessingMatchesTheFaceMixerResize) {
    for (const Golden& golden : goldens()) {
        SCOPED_TRACE(golden.name);
        const TensorMap reference = read_fixture(golden.name + "_reference");
        const at::Tensor pixels = clip_pixel_values(reference.at("image"), golden.config.image_size);
        ASSERT_EQ(pixels.sizes(), reference.at("pixel_values").sizes());
        const double error = max_abs_error(pixels, reference.at("pixel_values"));
        RecordProperty(golden.name + "_pixels_max_abs_error", scientific(error));
        EXPECT_LE(error, 1e-5);

        const auto model = loaded_model(golden, "hf");
        EXPECT_LE(max_abs_error(model->encode_image(reference.at("image")), reference.at("image_embeds")), 1e-4);
    }
}

// The reason the activation is config, not guessed: the other one runs and is quietly wrong.
TEST(ClipVisionGolden, TheWrongActivationIsVisiblyWrong) {
    const Golden golden = goldens().front();
    ClipVisionConfig swapped = golden.config;
    swapped.activation = ClipActivation::Gelu;
    ClipVisionModel model(swapped);
    load_weights(model, clip_vision_weights_from_hf(read_fixture(golden.name + "_hf")), "quick_gelu_hf");
    const TensorMap reference = read_fixture(golden.name + "_reference");
    EXPECT_GT(max_abs_error(model.forward(reference.at("pixel_values")), reference.at("image_embeds")), 1e-2);
}

// Half-precision weights and activations: the embeddings (magnitudes up to about 2) keep two to three
// significant digits through the tiny towers. Skipped where this CPU build lacks an op in that dtype.
TEST(ClipVisionGolden, ReducedPrecisionStaysClose) {
    const std::vector<std::pair<at::ScalarType, double>> tolerances{{at::kBFloat16, 5e-2}, {at::kHalf, 1e-2}};
    for (const Golden& golden : goldens()) {
        const TensorMap reference = read_fixture(golden.name + "_reference");
        for (const auto& [dtype, tolerance] : tolerances) {
            SCOPED_TRACE(golden.name + " in " + std::string(c10::toString(dtype)));
            const auto model = loaded_model(golden, "hf");
            model->to(dtype);
            at::Tensor embeds;
            try {
                embeds = model->encode_image(reference.at("image"));
            } catch (const c10::Error& error) {
                GTEST_SKIP() << "CPU lacks " << c10::toString(dtype) << " support: " << error.what_without_backtrace();
            }
            EXPECT_EQ(embeds.scalar_type(), dtype);
            const double error = max_abs_error(embeds, reference.at("image_embeds"));
            RecordProperty(golden.name + "_" + c10::toString(dtype) + "_max_abs_error", scientific(error));
            EXPECT_LE(error, tolerance);
        }
    }
}

TEST(ClipVisionConfigInference, ReadsTheTinyConfigsFromEitherNaming) {
    for (const Golden& golden : goldens()) {
        SCOPED_TRACE(golden.name);
        ClipVisionConfig expected = golden.config;
        expected.activation = ClipActivation::QuickGelu;  // not in the shapes; the caller overrides it
        const TensorMap hf = clip_vision_weights_from_hf(read_fixture(golden.name + "_hf"));
        const TensorMap openai = clip_vision_weights_from_openai(read_fixture(golden.name + "_openai"));
        EXPECT_EQ(infer_clip_vision_config(hf, "hf", kTinyHeadWidth), expected);
        EXPECT_EQ(infer_clip_vision_config(openai, "openai", kTinyHeadWidth), expected);
    }
}

TEST(ClipVisionConfigInference, ReadsViTL14FromItsShapes) {
    const ClipVisionConfig vit = ClipVisionConfig::vit_l_14();
    const auto meta = [](at::IntArrayRef shape) { return at::empty(shape, at::TensorOptions().device(at::kMeta)); };
    TensorMap shapes{
        {"vision_model.embeddings.patch_embedding.weight", meta({1024, 3, 14, 14})},
        {"vision_model.embeddings.position_embedding.weight", meta({257, 1024})},
        {"visual_projection.weight", meta({768, 1024})},
    };
    for (int layer = 0; layer < 24; ++layer)
        shapes.emplace("vision_model.encoder.layers." + std::to_string(layer) + ".mlp.fc1.weight", meta({4096, 1024}));
    EXPECT_EQ(infer_clip_vision_config(shapes, "ViT-L/14"), vit);

    // A stray far-off layer must not size the network; load_weights reports the key instead.
    shapes.emplace("vision_model.encoder.layers.999999.mlp.fc1.weight", meta({4096, 1024}));
    EXPECT_EQ(infer_clip_vision_config(shapes, "ViT-L/14").layers, 24);
}

TEST(ClipVisionConfigInference, RefusesWhatIsNotAVisionTower) {
    const std::string message = input_error_of([] { infer_clip_vision_config({}, "text.safetensors"); });
    EXPECT_NE(message.find("text.safetensors"), std::string::npos) << message;
    EXPECT_NE(message.find("vision_model.embeddings.patch_embedding.weight"), std::string::npos) << message;

    TensorMap weights = clip_vision_weights_from_hf(read_fixture("gelu_hf"));
    weights["vision_model.embeddings.position_embedding.weight"] = at::zeros({20, 48});
    EXPECT_NE(input_error_of([&] { infer_clip_vision_config(weights, "odd", kTinyHeadWidth); }).find("square"),
              std::string::npos);
}

TEST(ClipVisionConfig, RoundTripsThroughJson) {
    for (const Golden& golden : goldens()) {
        const nlohmann::json json = golden.config;
        EXPECT_EQ(json.get<ClipVisionConfig>(), golden.config) << json.dump();
    }
    EXPECT_EQ(nlohmann::json(ClipVisionConfig::vit_l_14()).get<ClipVisionConfig>(), ClipVisionConfig::vit_l_14());
}

TEST(ClipVisionConfig, RefusesBadManifests) {
    nlohmann::json json = ClipVisionConfig::vit_l_14();
    json["activation"] = "relu";
    EXPECT_NE(input_error_of([&] { json.get<ClipVisionConfig>(); }).find("relu"), std::string::npos);
    json = ClipVisionConfig::vit_l_14();
    json["heads"] = 5;
    EXPECT_NE(input_error_of([&] { json.get<ClipVisionConfig>(); }).find("heads"), std::string::npos);
    json.erase("heads");
    EXPECT_NE(input_error_of([&] { json.get<ClipVisionConfig>(); }).find("heads"), std::string::npos);
}

TEST(ClipVisionLoadWeights, NamesTheMissingExtraOrMisshapenKey) {
    const Golden golden = goldens().front();
    const TensorMap good = clip_vision_weights_from_openai(read_fixture(golden.name + "_openai"));
    const auto refusal = [&](const TensorMap& weights) {
        ClipVisionModel model(golden.config);
        return input_error_of([&] { load_weights(model, weights, "clip.safetensors"); });
    };
    EXPECT_EQ(refusal(good), "");

    TensorMap missing = good;
    missing.erase("vision_model.encoder.layers.1.self_attn.k_proj.bias");
    const std::string missing_message = refusal(missing);
    EXPECT_NE(missing_message.find("vision_model.encoder.layers.1.self_attn.k_proj.bias"), std::string::npos)
        << missing_message;
    EXPECT_NE(missing_message.find("clip.safetensors"), std::string::npos) << missing_message;

    // An unknown visual.* key is passed through the map under its own name, so the user sees it.
    TensorMap source = read_fixture(golden.name + "_openai");
    source["visual.attn_pool.query"] = at::zeros({4, 32});
    const std::string extra_message = refusal(clip_vision_weights_from_openai(source));
    EXPECT_NE(extra_message.find("visual.attn_pool.query"), std::string::npos) << extra_message;

    TensorMap misshapen = good;
    misshapen["vision_model.post_layernorm.weight"] = at::ones({31});
    const std::string shape_message = refusal(misshapen);
    EXPECT_NE(shape_message.find("vision_model.post_layernorm.weight [31]"), std::string::npos) << shape_message;
}

TEST(ClipVisionNames, FullCheckpointsLeaveExactlyTheVisionTower) {
    const Golden golden = goldens().front();  // its fixtures are whole CLIP checkpoints
    const std::set<std::string> tower = names_of(module_weights(ClipVisionModel(golden.config)));
    const TensorMap hf = read_fixture(golden.name + "_hf");
    const TensorMap openai = read_fixture(golden.name + "_openai");
    ASSERT_TRUE(hf.count("text_model.embeddings.token_embedding.weight") && hf.count("logit_scale"));
    ASSERT_TRUE(openai.count("token_embedding.weight") && openai.count("transformer.resblocks.0.ln_1.weight") &&
                openai.count("positional_embedding") && openai.count("text_projection"));
    EXPECT_EQ(names_of(clip_vision_weights_from_hf(hf)), tower);
    EXPECT_EQ(names_of(clip_vision_weights_from_openai(openai)), tower);

    TensorMap legacy = hf;
    legacy["vision_model.embeddings.position_ids"] = at::arange(17).unsqueeze(0);
    EXPECT_EQ(names_of(clip_vision_weights_from_hf(legacy)), tower);
}

TEST(ClipVisionNames, RefusesAFusedProjectionThatDoesNotSplit) {
    TensorMap source = read_fixture("gelu_openai");
    source["visual.transformer.resblocks.0.attn.in_proj_bias"] = at::zeros({100});
    const std::string message = input_error_of([&] { clip_vision_weights_from_openai(source); });
    EXPECT_NE(message.find("visual.transformer.resblocks.0.attn.in_proj_bias"), std::string::npos) << message;
}

}  // namespace
}  // namespace facemix
