#include "nn/autoencoder_kl.h"

#include <gtest/gtest.h>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/InferenceMode.h>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "nn/fixture_tensors.h"
#include "nn/load_weights.h"
#include "nn/sd_v1_presets.h"
#include "nn/vae_names_ldm.h"

namespace facemix {
// Named: the tiny-config and fixture helpers of each network test share their names.
namespace autoencoder_kl_test {

constexpr double fp32_tolerance = 1e-4;
constexpr std::uint64_t sample_seed = 1234;  // as in make_unet_vae_goldens.py

const TensorMap& reference() {
    static const TensorMap tensors = test::fixture_tensors("vae/reference.safetensors");
    return tensors;
}

const at::Tensor& golden(const std::string& name) { return reference().at(name); }

AutoencoderKLConfig tiny_config() {
    return AutoencoderKLConfig::from_diffusers_config(test::fixture_json("vae/config.json"), "vae/config.json");
}

TensorMap diffusers_weights() { return test::fixture_tensors("vae/diffusion_pytorch_model.safetensors"); }

TensorMap ldm_weights() {
    return test::without_prefix(test::fixture_tensors("vae/ldm.safetensors"), "first_stage_model.");
}

std::shared_ptr<AutoencoderKL> loaded_vae(const TensorMap& canonical) {
    auto vae = std::make_shared<AutoencoderKL>(tiny_config());
    load_weights(*vae, canonical, "the tiny autoencoder");
    vae->eval();
    return vae;
}

void expect_matches_reference(AutoencoderKL& vae, double tolerance) {
    c10::InferenceMode inference;
    const at::Tensor mean = vae.encode(golden("image"));
    ASSERT_EQ(mean.sizes(), golden("encoded_mean").sizes());
    EXPECT_LE(test::max_abs_error(mean, golden("encoded_mean")), tolerance);
    const at::Tensor sampled = vae.encode_sampled(golden("image"), at::make_generator<at::CPUGeneratorImpl>(sample_seed));
    EXPECT_LE(test::max_abs_error(sampled, golden("encoded_sampled")), tolerance);
    const at::Tensor decoded = vae.decode(golden("latents"));
    ASSERT_EQ(decoded.sizes(), golden("decoded").sizes());
    EXPECT_EQ(decoded.scalar_type(), at::kFloat);
    EXPECT_LE(test::max_abs_error(decoded, golden("decoded")), tolerance);
}

TEST(AutoencoderKLGolden, DiffusersWeightsMatchTheReference) {
    expect_matches_reference(*loaded_vae(diffusers_weights()), fp32_tolerance);
}

TEST(AutoencoderKLGolden, LdmWeightsMatchTheReference) {
    expect_matches_reference(*loaded_vae(vae_weights_from_ldm(ldm_weights(), tiny_config())), fp32_tolerance);
}

// Reduced precision against the float32 reference, where decoded pixels reach 3. Measured on x86-64
// CPU: bfloat16 0.022, float16 0.0025 (float32 itself: 1e-6); the bounds leave twice that or more.
// The sampled encoding draws its noise in float32, so it matches at every precision too.
TEST(AutoencoderKLGolden, BFloat16StaysCloseToTheReference) {
    auto vae = loaded_vae(diffusers_weights());
    vae->to(at::kBFloat16);
    expect_matches_reference(*vae, 0.05);
}

TEST(AutoencoderKLGolden, Float16StaysCloseToTheReference) {
    auto vae = loaded_vae(diffusers_weights());
    vae->to(at::kHalf);
    expect_matches_reference(*vae, 0.01);
}

TEST(AutoencoderKLGolden, RefusesInputsOfTheWrongShape) {
    auto vae = loaded_vae(diffusers_weights());
    EXPECT_THROW(vae->encode(at::zeros({1, 4, 16, 16})), InputError);
    EXPECT_THROW(vae->decode(at::zeros({1, 3, 8, 8})), InputError);
}

TEST(AutoencoderKLConfig, ReadsTheDiffusersConfig) {
    const AutoencoderKLConfig config = tiny_config();
    EXPECT_EQ(config.block_out_channels, (std::vector<std::int64_t>{8, 16}));
    EXPECT_EQ(config.layers_per_block, 1);
    EXPECT_EQ(config.latent_channels, 4);
    EXPECT_EQ(config.norm_groups, 4);
    EXPECT_DOUBLE_EQ(config.scaling_factor, 0.18215);
}

TEST(AutoencoderKLConfig, ShapesOfEitherNamingGiveTheSameConfig) {
    EXPECT_EQ(AutoencoderKLConfig::from_weights(diffusers_weights(), "diffusers weights", 4), tiny_config());
    EXPECT_EQ(vae_config_from_ldm_weights(ldm_weights(), "LDM weights", 4), tiny_config());
}

TEST(AutoencoderKLConfig, RoundTripsThroughTheBundleJson) {
    const AutoencoderKLConfig config = tiny_config();
    const nlohmann::json json = config;
    EXPECT_EQ(json.get<AutoencoderKLConfig>(), config);
    nlohmann::json incomplete = json;
    incomplete.erase("scaling_factor");
    EXPECT_THROW(incomplete.get<AutoencoderKLConfig>(), InputError);
}

TEST(AutoencoderKLConfig, RefusesArchitecturesItCannotBuild) {
    nlohmann::json shifted = test::fixture_json("vae/config.json");
    shifted["shift_factor"] = 0.1159;  // an SD3-style latent shift
    EXPECT_THROW(AutoencoderKLConfig::from_diffusers_config(shifted, "config.json"), InputError);
    nlohmann::json odd_groups = test::fixture_json("vae/config.json");
    odd_groups["norm_num_groups"] = 3;
    EXPECT_THROW(AutoencoderKLConfig::from_diffusers_config(odd_groups, "config.json"), InputError);
}

TEST(AutoencoderKLLoadWeights, NamesMissingUnexpectedAndMisshapenTensors) {
    TensorMap weights = vae_weights_from_ldm(ldm_weights(), tiny_config());
    weights.erase("decoder.up_blocks.0.upsamplers.0.conv.weight");
    weights.emplace("encoder.mid.attn_1.extra", at::zeros({1}));
    weights["encoder.mid_block.attentions.0.to_q.weight"] = at::zeros({16, 16, 1, 1});
    AutoencoderKL vae(tiny_config());
    try {
        load_weights(vae, weights, "vae.ckpt");
        FAIL() << "loaded weights that do not fit";
    } catch (const InputError& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("vae.ckpt"), std::string::npos) << message;
        EXPECT_NE(message.find("decoder.up_blocks.0.upsamplers.0.conv.weight"), std::string::npos) << message;
        EXPECT_NE(message.find("encoder.mid.attn_1.extra"), std::string::npos) << message;
        EXPECT_NE(message.find("to_q.weight [16, 16, 1, 1]"), std::string::npos) << message;
    }
}

TEST(AutoencoderKLPreset, KlF8HasTheKnownParameterCountAndReadsBackItsConfig) {
    const AutoencoderKL vae(sd_v1_vae_config());
    std::int64_t parameters = 0;
    for (const auto& parameter : vae.parameters()) parameters += parameter.numel();
    EXPECT_EQ(parameters, 83'653'863);
    EXPECT_EQ(AutoencoderKLConfig::from_weights(module_weights(vae), "kl-f8"), sd_v1_vae_config());
}

}  // namespace autoencoder_kl_test
}  // namespace facemix
