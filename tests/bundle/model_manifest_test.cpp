// Reading bundle manifests from hostile JSON (bundle/model_manifest.h); the cases come from tools/fuzz.sh.

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "bundle/model_manifest.h"
#include "common/error.h"

namespace facemix {
namespace {

ModelManifest small_manifest() {
    ModelManifest manifest;
    manifest.unet = UNetConfig{};
    manifest.unet->block_out_channels = {32, 64};
    manifest.unet->cross_attention = {false, true};
    manifest.unet->attention_heads = {1, 1};
    manifest.native_resolution = 64;
    return manifest;
}

TEST(ModelManifest, ReadsBackFromItsJson) {
    EXPECT_EQ(manifest_from_json(manifest_to_json(small_manifest()), "m"), small_manifest());
}

// nlohmann casts a float to an integer type as it is, undefined behaviour when out of range.
TEST(ModelManifest, WholeNumbersOutOfRangeAreInputErrors) {
    const nlohmann::json good = manifest_to_json(small_manifest());
    for (const auto& pointer : {"/native_resolution", "/format_version", "/unet/block_out_channels/1",
                                "/unet/context_dim", "/conditioning/face_box_512/top", "/schedule/train_timesteps"}) {
        nlohmann::json json = good;
        json[nlohmann::json::json_pointer(pointer)] = -1e300;
        EXPECT_THROW((void)manifest_from_json(json, "m"), InputError) << pointer;
    }
    nlohmann::json whole_float = good;
    whole_float["native_resolution"] = 64.0;  // read as before
    EXPECT_EQ(manifest_from_json(whole_float, "m").native_resolution, 64);
}

}  // namespace
}  // namespace facemix
