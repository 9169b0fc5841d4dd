#include "nn/unet.h"

#include <filesystem>

#include <gtest/gtest.h>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "io/safetensors.h"
#include "nn/fixture_tensors.h"
#include "nn/load_weights.h"
#include "nn/sd_v1_presets.h"
#include "nn/unet_config.h"
#include "nn/unet_names_ldm.h"
#include "support/resident_pages.h"

namespace facemix {
// Named: the tiny-config and fixture helpers of each network test share their names.
namespace unet_test {

constexpr double fp32_tolerance = 1e-4;

const TensorMap& reference() {
    static const TensorMap tensors = test::fixture_tensors("unet/reference.safetensors");
    return tensors;
}

const at::Tensor& golden(const std::string& name) { return reference().at(name); }

UNetConfig tiny_config() {
    return UNetConfig::from_diffusers_config(test::fixture_json("unet/config.json"), "unet/config.json");
}

TensorMap diffusers_weights() { return test::fixture_tensors("unet/diffusion_pytorch_model.safetensors"); }

TensorMap ldm_weights() {
    return test::without_prefix(test::fixture_tensors("unet/ldm.safetensors"), "model.diffusion_model.");
}

std::shared_ptr<UNet> loaded_unet(const TensorMap& canonical) {
    auto unet = std::make_shared<UNet>(tiny_config());
    load_weights(*unet, canonical, "the tiny UNet");
    unet->eval();
    return unet;
}

// ε for both condition widths: the face mixer's 2 tokens and image-mixer's 5.
void expect_matches_reference(UNet& unet, double tolerance) {
    c10::InferenceMode inference;
    for (const char* count : {"2", "5"}) {
        const std::string tokens = count;
        const at::Tensor eps = unet.forward(golden("latents"), golden("timesteps"), golden("context_" + tokens));
        ASSERT_EQ(eps.sizes(), golden("eps_" + tokens).sizes());
        EXPECT_EQ(eps.scalar_type(), at::kFloat);
        EXPECT_LE(test::max_abs_error(eps, golden("eps_" + tokens)), tolerance) << tokens << " condition tokens";
    }
}

TEST(UNetGolden, DiffusersWeightsMatchTheReference) { expect_matches_reference(*loaded_unet(diffusers_weights()), fp32_tolerance); }

TEST(UNetGolden, LdmWeightsMatchTheReference) {
    expect_matches_reference(*loaded_unet(unet_weights_from_ldm(ldm_weights(), tiny_config())), fp32_tolerance);
}

TEST(UNetGolden, OddLatentSizesMeetTheirSkipConnections) {
    c10::InferenceMode inference;
    const at::Tensor context = golden("context_2").slice(0, 0, 1);
    const at::Tensor eps = loaded_unet(diffusers_weights())->forward(golden("latents_odd"), golden("timesteps_odd"), context);
    ASSERT_EQ(eps.sizes(), golden("eps_odd").sizes());
    EXPECT_LE(test::max_abs_error(eps, golden("eps_odd")), fp32_tolerance);
}

TEST(UNetGolden, IntegerAndSharedTimestepsGiveTheSameNoise) {
    c10::InferenceMode inference;
    auto unet = loaded_unet(diffusers_weights());
    const at::Tensor context = golden("context_2");
    const at::Tensor by_float = unet->forward(golden("latents"), golden("timesteps"), context);
    EXPECT_TRUE(at::equal(unet->forward(golden("latents"), golden("timesteps").to(at::kLong), context), by_float));
    const at::Tensor shared = unet->forward(golden("latents"), at::scalar_tensor(500.0), context);
    EXPECT_TRUE(at::equal(shared, unet->forward(golden("latents"), at::full({2}, 500.0), context)));
}

// Reduced precision against the float32 reference, where |ε| reaches 1.6. Measured on x86-64 CPU:
// bfloat16 0.025, float16 0.0034 (float32 itself: 1.3e-6); the bounds leave twice that.
TEST(UNetGolden, BFloat16StaysCloseToTheReference) {
    auto unet = loaded_unet(diffusers_weights());
    unet->to(at::kBFloat16);
    expect_matches_reference(*unet, 0.05);
}

TEST(UNetGolden, Float16StaysCloseToTheReference) {
    auto unet = loaded_unet(diffusers_weights());
    unet->to(at::kHalf);
    expect_matches_reference(*unet, 0.01);
}

TEST(UNetGolden, RefusesInputsOfTheWrongShape) {
    auto unet = loaded_unet(diffusers_weights());
    EXPECT_THROW(unet->forward(golden("latents"), golden("timesteps"), at::zeros({2, 2, 23})), InputError);
    EXPECT_THROW(unet->forward(golden("latents").slice(1, 0, 3), golden("timesteps"), golden("context_2")), InputError);
    EXPECT_THROW(unet->forward(golden("latents"), at::zeros({3}), golden("context_2")), InputError);
}

TEST(UNetConfig, ReadsTheDiffusersConfig) {
    const UNetConfig config = tiny_config();
    EXPECT_EQ(config.block_out_channels, (std::vector<std::int64_t>{16, 24}));
    EXPECT_EQ(config.cross_attention, (std::vector<bool>{true, false}));
    EXPECT_EQ(config.attention_heads, (std::vector<std::int64_t>{2, 2}));  // attention_head_dim 2 means 2 heads
    EXPECT_EQ(config.layers_per_block, 1);
    EXPECT_EQ(config.context_dim, 24);
    EXPECT_EQ(config.norm_groups, 8);
    EXPECT_FALSE(config.linear_projection);
    EXPECT_TRUE(config.flip_sin_to_cos);
}

TEST(UNetConfig, ShapesOfEitherNamingGiveTheSameConfig) {
    EXPECT_EQ(UNetConfig::from_weights(diffusers_weights(), "diffusers weights", 2, 8), tiny_config());
    EXPECT_EQ(unet_config_from_ldm_weights(ldm_weights(), "LDM weights", 2, 8), tiny_config());
}

TEST(UNetConfig, RoundTripsThroughTheBundleJson) {
    const UNetConfig config = tiny_config();
    const nlohmann::json json = config;
    EXPECT_EQ(json.get<UNetConfig>(), config);
    nlohmann::json incomplete = json;
    incomplete.erase("context_dim");
    EXPECT_THROW(incomplete.get<UNetConfig>(), InputError);
}

TEST(UNetConfig, RefusesArchitecturesItCannotBuild) {
    const nlohmann::json good = test::fixture_json("unet/config.json");
    const auto message_for = [](const nlohmann::json& config) -> std::string {
        try {
            UNetConfig::from_diffusers_config(config, "config.json");
        } catch (const InputError& error) {
            return error.what();
        }
        return "accepted";
    };
    nlohmann::json class_embedding = good;
    class_embedding["class_embed_type"] = "timestep";
    EXPECT_NE(message_for(class_embedding).find("class_embed_type"), std::string::npos);
    nlohmann::json unmirrored = good;
    unmirrored["up_block_types"] = {"CrossAttnUpBlock2D", "UpBlock2D"};
    EXPECT_NE(message_for(unmirrored).find("up_block_types"), std::string::npos);
    nlohmann::json indivisible = good;
    indivisible["attention_head_dim"] = 3;
    EXPECT_NE(message_for(indivisible).find("attention heads"), std::string::npos);
    nlohmann::json missing = good;
    missing.erase("block_out_channels");
    EXPECT_NE(message_for(missing).find("config.json"), std::string::npos);
}

TEST(UNetLoadWeights, NamesMissingUnexpectedAndMisshapenTensors) {
    TensorMap weights = diffusers_weights();
    weights.erase("conv_in.bias");
    weights.emplace("extra.weight", at::zeros({1}));
    weights["conv_out.weight"] = at::zeros({4, 16, 1, 1});
    UNet unet(tiny_config());
    try {
        load_weights(unet, weights, "broken.safetensors");
        FAIL() << "loaded weights that do not fit";
    } catch (const InputError& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("broken.safetensors"), std::string::npos) << message;
        EXPECT_NE(message.find("conv_in.bias"), std::string::npos) << message;
        EXPECT_NE(message.find("extra.weight"), std::string::npos) << message;
        EXPECT_NE(message.find("conv_out.weight [4, 16, 1, 1]"), std::string::npos) << message;
    }
}

TEST(UNetLoadWeights, RefusesLdmNamesThatWereNotMapped) {
    UNet unet(tiny_config());
    EXPECT_THROW(load_weights(unet, ldm_weights(), "model.ckpt"), InputError);
}

TEST(UNetPreset, FullSizeSdV1HasTheKnownParameterCountAndReadsBackItsConfig) {
    const UNet unet(sd_v1_unet_config());
    std::int64_t parameters = 0;
    for (const auto& parameter : unet.parameters()) parameters += parameter.numel();
    EXPECT_EQ(parameters, 859'520'964);
    EXPECT_EQ(UNetConfig::from_weights(module_weights(unet), "SD v1"), sd_v1_unet_config());
}

// Streamed weights give the same noise as resident ones, and after the call none of the blocks' weight
// pages stays in the process: they wait in the page cache for the next call.
TEST(UNetWeightStreaming, GivesTheSameNoiseAndLeavesNoBlockWeightsResident) {
    const auto path = std::filesystem::current_path() / "unet_weight_streaming_test.safetensors";
    write_safetensors(path, module_weights(*loaded_unet(diffusers_weights())));
    {
        const SafetensorsFile file = SafetensorsFile::open(path);
        TensorMap mapped;
        for (const auto& entry : file.entries()) mapped[entry.name] = file.mapped_tensor(entry.name);
        UNet unet(tiny_config());
        load_weights(unet, mapped, "the tiny UNet", WeightTransfer::Share);
        unet.eval();
        const auto block_pages = [&unet] {
            std::size_t pages = 0;
            for (const auto& [name, weight] : module_weights(unet))
                if (name.starts_with("down_blocks.") || name.starts_with("mid_block.") || name.starts_with("up_blocks."))
                    pages += test::mapped_pages(weight);
            return pages;
        };
        c10::InferenceMode inference;
        const auto call = [&unet] { return unet.forward(golden("latents"), golden("timesteps"), golden("context_2")); };
        const at::Tensor resident = call();
        ASSERT_GT(block_pages(), 0u) << "a call without streaming leaves the weights it read in the process";
        unet.set_weight_streaming(true);
        EXPECT_TRUE(at::equal(call(), resident));
        EXPECT_EQ(block_pages(), 0u);
        EXPECT_TRUE(at::equal(call(), resident)) << "the weights come back from the page cache";
    }
    std::filesystem::remove(path);
}

}  // namespace unet_test
}  // namespace facemix
