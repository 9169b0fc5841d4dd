#include <gtest/gtest.h>

#include <ATen/TensorOperators.h>
#include <ATen/ops/allclose.h>
#include <ATen/ops/linalg_vector_norm.h>
#include <ATen/ops/randn.h>
#include <ATen/ops/stack.h>
#include <ATen/ops/tensor.h>
#include <ATen/ops/zeros.h>

#include "bundle/model_hash.h"
#include "common/error.h"
#include "diffusion/guidance.h"
#include "io/base64.h"
#include "mix/condition_tokens.h"
#include "mix/interpolation.h"
#include "support/tiny_model.h"

namespace facemix {
namespace {

TEST(Guidance, CombinesBranchesAsTheFormulaSays) {
    // ε = ε∅ + s_f(ε_f − ε∅) + s_b(ε_b − ε∅) over a batch of two samples.
    const at::Tensor uncond = at::randn({2, 4, 3, 3}), face = at::randn({2, 4, 3, 3}), background = at::randn({2, 4, 3, 3});
    const Guidance guidance({{{true, false}, 5.0}, {{false, true}, 2.0}});
    EXPECT_EQ(guidance.passes(), 3);
    const at::Tensor eps = guidance.combine(at::cat({uncond, face, background}));
    EXPECT_TRUE(at::allclose(eps, uncond + 5.0 * (face - uncond) + 2.0 * (background - uncond), 1e-5, 1e-6));
}

TEST(Guidance, ContextsZeroTheTokensABranchLeavesOut) {
    const at::Tensor condition = at::randn({1, 2, 8}), unconditional = at::zeros({1, 2, 8});
    const Guidance guidance({{{true, false}, 5.0}, {{false, true}, 2.0}});
    const at::Tensor contexts = guidance.contexts(condition, unconditional);
    ASSERT_EQ(contexts.size(0), 3);
    EXPECT_TRUE(at::equal(contexts[0], unconditional[0]));
    EXPECT_TRUE(at::equal(contexts[1][0], condition[0][0]));
    EXPECT_TRUE(at::equal(contexts[1][1], unconditional[0][1]));
    EXPECT_TRUE(at::equal(contexts[2][0], unconditional[0][0]));
    EXPECT_TRUE(at::equal(contexts[2][1], condition[0][1]));
}

TEST(Guidance, PlainScaleOneNeedsNoUnconditionalPass) {
    const Guidance plain = Guidance::classifier_free(1.0, 2);
    EXPECT_EQ(plain.passes(), 1);
    const at::Tensor condition = at::randn({3, 2, 8});
    EXPECT_TRUE(at::equal(plain.contexts(condition, at::zeros({3, 2, 8})), condition));
    EXPECT_EQ(Guidance::classifier_free(3.0, 2).passes(), 2);
}

TEST(Interpolation, SlerpKeepsTheEndpointsAndMovesTheLengthLinearly) {
    const at::Tensor a = at::randn({16}, at::kDouble), b = 3.0 * at::randn({16}, at::kDouble);
    EXPECT_TRUE(at::allclose(interpolate(a, b, 0.0, Interpolation::Slerp), a));
    EXPECT_TRUE(at::allclose(interpolate(a, b, 1.0, Interpolation::Slerp), b));
    const double norm_a = at::linalg_vector_norm(a).item<double>(), norm_b = at::linalg_vector_norm(b).item<double>();
    const at::Tensor middle = interpolate(a, b, 0.5, Interpolation::Slerp);
    EXPECT_NEAR(at::linalg_vector_norm(middle).item<double>(), 0.5 * (norm_a + norm_b), 1e-9);
    // Its direction is halfway: equal angles to a and b.
    const double cos_a = (middle * a).sum().item<double>() / (norm_a * at::linalg_vector_norm(middle).item<double>());
    const double cos_b = (middle * b).sum().item<double>() / (norm_b * at::linalg_vector_norm(middle).item<double>());
    EXPECT_NEAR(cos_a, cos_b, 1e-9);
    EXPECT_TRUE(at::allclose(interpolate(a, b, 0.5, Interpolation::Lerp), 0.5 * (a + b)));
}

TEST(Interpolation, PathPointsSpreadOverTheSegments) {
    const PathPoint start = path_point(3, 0.0), quarter = path_point(3, 0.25), middle = path_point(3, 0.5), end = path_point(3, 1.0);
    EXPECT_EQ(start.from, 0u);
    EXPECT_DOUBLE_EQ(start.t, 0.0);
    EXPECT_EQ(quarter.from, 0u);
    EXPECT_DOUBLE_EQ(quarter.t, 0.5);
    EXPECT_EQ(middle.from, 1u);
    EXPECT_DOUBLE_EQ(middle.t, 0.0);
    EXPECT_EQ(end.from, 1u);
    EXPECT_EQ(end.to, 2u);
    EXPECT_DOUBLE_EQ(end.t, 1.0);
    EXPECT_THROW(path_point(2, 1.5), InputError);
    EXPECT_THROW(interpolation_from_name("cubic"), InputError);
}

TEST(ConditionTokens, LayoutsOfTheKnownModelFamilies) {
    Conditioning face_mixer;
    const auto mixer = token_layout(face_mixer);
    ASSERT_EQ(mixer.size(), 2u);
    EXPECT_EQ(mixer[0].role, TokenRole::Face);
    EXPECT_EQ(mixer[0].part, ImagePart::FaceCrop);
    EXPECT_EQ(mixer[1].role, TokenRole::Background);
    EXPECT_EQ(mixer[1].part, ImagePart::MaskedBackground);
    Conditioning image_mixer;
    image_mixer.tokens = {"image_1", "image_2", "image_3", "image_4", "image_5"};
    const auto five = token_layout(image_mixer);
    EXPECT_EQ(five[0].role, TokenRole::Face);
    EXPECT_EQ(five[1].role, TokenRole::Background);
    EXPECT_EQ(five[4].role, TokenRole::Unused);
    for (const auto& token : five) EXPECT_EQ(token.part, ImagePart::Whole);
    Conditioning variations;
    variations.tokens = {"image"};
    EXPECT_EQ(token_layout(variations).at(0).role, TokenRole::Face);
    Conditioning unknown;
    unknown.tokens = {"face", "hat"};
    EXPECT_THROW(token_layout(unknown), InputError);
    unknown.tokens = {"face"};
    unknown.unconditional = "learned";
    EXPECT_THROW(unconditional_tokens(unknown, 8), InputError);
}

TEST(ConditionTokens, ImagePartsUseTheScaledFaceBox) {
    const at::Tensor aligned = at::randn({1, 3, 256, 256});
    Conditioning conditioning;
    conditioning.mask_value = 0.0;
    const at::Tensor face = image_part(aligned, ImagePart::FaceCrop, conditioning);
    EXPECT_EQ(face.sizes(), at::IntArrayRef({1, 3, 125, 131}));  // rows 95..220, columns 63..194 at 256 px (190/2 rounded…)
    const at::Tensor masked = image_part(aligned, ImagePart::MaskedBackground, conditioning);
    EXPECT_EQ(masked.slice(2, 95, 220).slice(3, 63, 194).abs().max().item<float>(), 0.0f);
    EXPECT_TRUE(at::equal(masked.slice(2, 0, 95), aligned.slice(2, 0, 95)));
    EXPECT_TRUE(at::equal(image_part(aligned, ImagePart::Whole, conditioning), aligned));
}

TEST(ModelHash, NamesTheWeightsNotTheFileOrItsProvenance) {
    ModelBundle bundle = test::tiny_bundle();
    const std::string original = model_hash(bundle);
    EXPECT_EQ(original.size(), 32u);
    bundle.manifest.provenance.source = "elsewhere.ckpt";
    EXPECT_EQ(model_hash(bundle), original);
    bundle.unet.begin()->second = bundle.unet.begin()->second.clone();
    bundle.unet.begin()->second.view({-1})[0] += 1.0f;
    EXPECT_NE(model_hash(bundle), original);
}

TEST(Base64, RoundTripsAndRefusesGarbage) {
    for (const std::string text : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
        const std::string encoded = base64_encode(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
        const auto decoded = base64_decode(encoded, "test");
        EXPECT_EQ(std::string(decoded.begin(), decoded.end()), text);
    }
    EXPECT_EQ(base64_encode(reinterpret_cast<const std::uint8_t*>("foobar"), 6), "Zm9vYmFy");
    EXPECT_THROW(base64_decode("Zm9", "test"), InputError);
    EXPECT_THROW(base64_decode("Zm!v", "test"), InputError);
    EXPECT_THROW(base64_decode("Z=9v", "test"), InputError);
}

}  // namespace
}  // namespace facemix
