#include "align/face_split.h"
#include "bundle/model_bundle.h"
#include "bundle/model_importer.h"
#include "bundle/model_networks.h"
#include "common/error.h"
#include "nn/autoencoder_kl.h"
#include "nn/clip_vision.h"
#include "nn/unet.h"
#include "support/run_command.h"
#include "support/test_data.h"

#include <fstream>

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace facemix {
namespace {

const std::filesystem::path kFixtures = FACEMIX_FIXTURES_DIR;
const std::filesystem::path kCheckpoint = kFixtures / "bundle" / "tiny_face_mixer.ckpt";

// The tiny golden networks' sizes that their shapes do not show (see tools/goldens/).
ImportOptions tiny_sizes() {
    ImportOptions options;
    options.attention_heads = 2;
    options.unet_norm_groups = 8;
    options.vae_norm_groups = 4;
    options.clip_head_width = 16;
    return options;
}
const std::vector<std::string> kTinySizeFlags = {"--heads", "2", "--norm-groups", "8", "--vae-norm-groups", "4", "--clip-head-width", "16"};

TensorMap fixture(const std::string& relative) { return SafetensorsFile::open(kFixtures / relative).read_all(); }

double max_abs_error(const at::Tensor& a, const at::Tensor& b) {
    return (a.to(at::kFloat) - b.to(at::kFloat)).abs().max().item<double>();
}

// Every network of a bundle reproduces the reference outputs of the golden fixtures it came from.
void expect_matches_references(const ModelBundle& bundle, double tolerance, at::ScalarType dtype = at::kFloat) {
    at::InferenceMode inference;
    const ModelNetworks networks = build_networks(bundle, "test bundle", dtype);
    if (bundle.manifest.unet) {
        const TensorMap ref = fixture("unet/reference.safetensors");
        const at::Tensor eps = networks.unet->forward(ref.at("latents").to(dtype), ref.at("timesteps"), ref.at("context_2").to(dtype));
        EXPECT_LE(max_abs_error(eps, ref.at("eps_2")), tolerance) << "UNet";
    }
    if (bundle.manifest.vae) {
        const TensorMap ref = fixture("vae/reference.safetensors");
        EXPECT_LE(max_abs_error(networks.vae->decode(ref.at("latents").to(dtype)), ref.at("decoded")), tolerance) << "VAE decode";
    }
    if (bundle.manifest.encoder) {
        const TensorMap ref = fixture("clip/quick_gelu_reference.safetensors");
        EXPECT_LE(max_abs_error(networks.encoder->encode_image(ref.at("image").to(dtype)), ref.at("image_embeds")), tolerance)
            << "image encoder";
    }
}

TEST(ModelManifest, RoundTripsThroughJson) {
    ModelManifest manifest;
    manifest.conditioning.tokens = {"image_1", "image_2"};
    manifest.schedule.beta_end = 0.02;
    manifest.provenance.source = "x.ckpt";
    EXPECT_EQ(manifest_from_json(manifest_to_json(manifest), "m"), manifest);
    // clip_sample is written only when on, so bundles made before it existed keep their manifest and hash.
    EXPECT_FALSE(manifest_to_json(manifest).at("schedule").contains("clip_sample"));
    manifest.schedule.clip_sample = true;
    EXPECT_EQ(manifest_to_json(manifest).at("schedule").at("clip_sample"), true);
    EXPECT_EQ(manifest_from_json(manifest_to_json(manifest), "m"), manifest);
}

TEST(ModelManifest, RefusesOtherFormatsAndVersions) {
    nlohmann::json json = manifest_to_json(ModelManifest{});
    json["format_version"] = 99;
    EXPECT_THROW(manifest_from_json(json, "m"), InputError);
    EXPECT_THROW(manifest_from_json(nlohmann::json::object(), "m"), InputError);
    json = manifest_to_json(ModelManifest{});
    json["conditioning"].erase("tokens");
    EXPECT_THROW(manifest_from_json(json, "m"), InputError);
}

// The face box is the one alignment cuts with (align/face_box.h); a box that is empty or leaves the
// 512 px image would crop nothing, so the manifest is refused where it is read.
TEST(ModelManifest, CarriesTheFaceBoxAndRefusesOneOutsideTheImage) {
    ModelManifest manifest;
    EXPECT_EQ(manifest.conditioning.face_box.scaled_to(256).rect(), face_box(256));
    manifest.conditioning.face_box = {100, 400, 80, 430};
    EXPECT_EQ(manifest_from_json(manifest_to_json(manifest), "m").conditioning.face_box, manifest.conditioning.face_box);
    for (const FaceBox bad : {FaceBox{300, 200, 125, 387}, FaceBox{190, 600, 125, 387}, FaceBox{190, 440, -1, 387}}) {
        manifest.conditioning.face_box = bad;
        EXPECT_THROW(manifest_from_json(manifest_to_json(manifest), "m"), InputError) << bad.top << " " << bad.bottom;
    }
}

// A schedule no sampler can run (a cosine schedule, v-prediction) is refused with the model, not at
// the first cell of every job.
TEST(ModelManifest, RefusesANoiseScheduleItCannotSample) {
    const std::vector<std::pair<const char*, nlohmann::json>> bad = {
        {"beta_schedule", "squaredcos_cap_v2"}, {"prediction", "v_prediction"}, {"train_timesteps", 1}, {"beta_end", 1.5}};
    for (const auto& [field, value] : bad) {
        nlohmann::json json = manifest_to_json(ModelManifest{});
        json["schedule"][field] = value;
        EXPECT_THROW(manifest_from_json(json, "m"), InputError) << field;
    }
}

TEST(ModelImport, LdmFaceMixerCheckpointBecomesAFullModel) {
    const ModelBundle bundle = import_model(kCheckpoint, tiny_sizes());
    const ModelManifest& m = bundle.manifest;
    EXPECT_EQ(m.provenance.source_format, "ldm-checkpoint");
    ASSERT_TRUE(m.unet && m.vae && m.encoder);
    EXPECT_EQ(m.conditioning.tokens, (std::vector<std::string>{"face", "background"}));
    EXPECT_NEAR(m.schedule.beta_start, 0.00085, 1e-8);
    EXPECT_NEAR(m.schedule.beta_end, 0.012, 1e-8);
    EXPECT_EQ(m.schedule.train_timesteps, 1000);
    EXPECT_EQ(m.schedule.beta_schedule, "scaled_linear");
    expect_matches_references(bundle, 1e-4);
}

TEST(ModelImport, ClipFilesInEitherNamingBecomeEncoderOnlyModels) {
    for (const char* file : {"clip/quick_gelu_openai.safetensors", "clip/quick_gelu_hf.safetensors"}) {
        SCOPED_TRACE(file);
        const ModelBundle bundle = import_model(kFixtures / file, tiny_sizes());
        EXPECT_FALSE(bundle.manifest.unet);
        ASSERT_TRUE(bundle.manifest.encoder);
        expect_matches_references(bundle, 1e-4);
    }
}

// The tiny golden networks as a diffusers folder: unet/, vae/, image_encoder/ and scheduler/.
void write_tiny_diffusers_folder(const std::filesystem::path& folder) {
    for (const char* part : {"unet", "vae", "image_encoder", "scheduler"}) std::filesystem::create_directory(folder / part);
    std::filesystem::copy_file(kFixtures / "unet" / "config.json", folder / "unet" / "config.json");
    std::filesystem::copy_file(kFixtures / "unet" / "diffusion_pytorch_model.safetensors", folder / "unet" / "diffusion_pytorch_model.safetensors");
    std::filesystem::copy_file(kFixtures / "vae" / "config.json", folder / "vae" / "config.json");
    std::filesystem::copy_file(kFixtures / "vae" / "diffusion_pytorch_model.safetensors", folder / "vae" / "diffusion_pytorch_model.safetensors");
    std::filesystem::copy_file(kFixtures / "clip" / "quick_gelu_hf.safetensors", folder / "image_encoder" / "model.safetensors");
    std::ofstream(folder / "image_encoder" / "config.json") << R"({"hidden_act": "quick_gelu", "num_attention_heads": 2})";
    std::ofstream(folder / "scheduler" / "scheduler_config.json") << R"({"beta_start": 0.001, "beta_end": 0.02, "num_train_timesteps": 500})";
}

TEST(ModelImport, DiffusersFolderWithUNetVaeAndImageEncoder) {
    test::TempDir folder;
    write_tiny_diffusers_folder(folder.path());
    const ModelBundle bundle = import_model(folder.path(), tiny_sizes());
    EXPECT_EQ(bundle.manifest.provenance.source_format, "diffusers");
    EXPECT_EQ(bundle.manifest.conditioning.tokens, std::vector<std::string>{"image"});
    EXPECT_EQ(bundle.manifest.schedule.train_timesteps, 500);
    EXPECT_DOUBLE_EQ(bundle.manifest.schedule.beta_end, 0.02);
    expect_matches_references(bundle, 1e-4);
}

// The folder's whole numbers (sample_size, num_train_timesteps, num_attention_heads) go through
// io/json_integer.h: 1e300 or -5.0 is a sentence naming the file and the key, never a cast or a shift.
TEST(ModelImport, DiffusersConfigsRefuseHugeNegativeAndFractionalWholeNumbers) {
    const auto refusal = [](const std::string& part, const char* key, const nlohmann::json& value) -> std::string {
        test::TempDir folder;
        write_tiny_diffusers_folder(folder.path());
        const auto config_path = folder.path() / part;
        nlohmann::json config = nlohmann::json::parse(std::ifstream(config_path));
        config[key] = value;
        std::ofstream(config_path) << config.dump();
        try {
            import_model(folder.path(), tiny_sizes());
        } catch (const InputError& error) {
            std::string message = error.what();  // the folder is a fresh temp name
            const std::string root = folder.path().string() + "/";
            for (auto at = message.find(root); at != std::string::npos; at = message.find(root)) message.erase(at, root.size());
            return message;
        }
        return "accepted";
    };
    EXPECT_EQ(refusal("unet/config.json", "sample_size", 1e300),
              "unet/config.json: \"sample_size\" must be a whole number from 1 to 1024, not 1e+300.");
    EXPECT_EQ(refusal("scheduler/scheduler_config.json", "num_train_timesteps", -5.0),
              "scheduler/scheduler_config.json: \"num_train_timesteps\" must be a whole number from 1 to 100000, not -5.0.");
    EXPECT_EQ(refusal("image_encoder/config.json", "num_attention_heads", 2.5),
              "image_encoder/config.json: \"num_attention_heads\" must be a whole number from 1 to 4096, not 2.5.");
    EXPECT_NE(refusal("scheduler/scheduler_config.json", "beta_start", "small").find(" holds a malformed config (a number was expected, not a string)."),
              std::string::npos);
}

TEST(ModelBundleFile, ConvertedBundleComputesWhatTheCheckpointComputes) {
    test::TempDir dir;
    const ModelBundle imported = import_model(kCheckpoint, tiny_sizes());
    write_bundle(dir.path() / "m.safetensors", imported);
    EXPECT_TRUE(is_facemix_bundle(dir.path() / "m.safetensors"));
    const ModelBundle reopened = import_model(dir.path() / "m.safetensors");
    EXPECT_EQ(reopened.manifest, imported.manifest);
    ASSERT_EQ(reopened.unet.size(), imported.unet.size());
    for (const auto& [name, tensor] : imported.unet) EXPECT_TRUE(at::equal(reopened.unet.at(name), tensor.to(at::kFloat))) << name;
    expect_matches_references(reopened, 1e-4);
}

TEST(ModelBundleFile, HalfPrecisionBundlesStayCloseToTheReference) {
    test::TempDir dir;
    const ModelBundle imported = import_model(kCheckpoint, tiny_sizes());
    for (const auto dtype : {WeightDType::F16, WeightDType::BF16}) {
        write_bundle(dir.path() / "m.safetensors", imported, dtype);
        const ModelBundle reopened = read_bundle(dir.path() / "m.safetensors");
        EXPECT_EQ(reopened.unet.begin()->second.scalar_type(), dtype == WeightDType::F16 ? at::kHalf : at::kBFloat16);
        // Weights rounded to 8 (bf16) or 11 (fp16) mantissa bits, computed in fp32.
        expect_matches_references(reopened, dtype == WeightDType::F16 ? 2e-3 : 2e-2);
    }
}

TEST(ModelBundleFile, RefusesBundlesWhoseManifestAndWeightsDisagree) {
    test::TempDir dir;
    ModelBundle bundle = import_model(kCheckpoint, tiny_sizes());
    bundle.vae.clear();
    write_bundle(dir.path() / "no_vae.safetensors", bundle);
    EXPECT_THROW(read_bundle(dir.path() / "no_vae.safetensors"), InputError);

    write_safetensors(dir.path() / "stray.safetensors", {{"text.weight", at::zeros({2})}},
                      {{"facemix", manifest_to_json(ModelManifest{}).dump()}});
    EXPECT_THROW(read_bundle(dir.path() / "stray.safetensors"), InputError);
    write_safetensors(dir.path() / "bad_json.safetensors", {}, {{"facemix", "{not json"}});
    EXPECT_THROW(read_bundle(dir.path() / "bad_json.safetensors"), InputError);
}

TEST(ModelImport, AWrongShapeIsNamedAndRefused) {
    ModelBundle bundle = import_model(kCheckpoint, tiny_sizes());
    bundle.unet.at("conv_in.weight") = at::zeros({1, 1, 1, 1});
    try {
        (void)build_networks(bundle, "tiny.ckpt");
        FAIL() << "accepted";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("conv_in.weight"), std::string::npos) << error.what();
    }
}

TEST(ModelImport, UnknownFilesAreRefusedListingWhatIsSupported) {
    EXPECT_THROW(import_model(kFixtures / "io" / "python_written.safetensors"), InputError);
    EXPECT_THROW(import_model("/nonexistent/model.ckpt"), InputError);
    EXPECT_THROW(import_model(kFixtures / "ckpt" / "os_system.ckpt"), InputError);
}

TEST(ModelCli, InfoDescribesAndConvertWritesABundle) {
    std::vector<std::string> info_arguments = {"info", kCheckpoint.string()};
    info_arguments.insert(info_arguments.end(), kTinySizeFlags.begin(), kTinySizeFlags.end());
    const auto info = test::run_facemix(info_arguments);
    ASSERT_EQ(info.exit_code, 0) << info.err;
    EXPECT_NE(info.out.find("ldm-checkpoint"), std::string::npos) << info.out;
    EXPECT_NE(info.out.find("2 tokens (face, background)"), std::string::npos) << info.out;

    test::TempDir dir;
    const auto out = (dir.path() / "tiny.safetensors").string();
    std::vector<std::string> convert_arguments = {"convert", kCheckpoint.string(), "-o", out, "--dtype", "bf16"};
    convert_arguments.insert(convert_arguments.end(), kTinySizeFlags.begin(), kTinySizeFlags.end());
    const auto convert = test::run_facemix(convert_arguments);
    ASSERT_EQ(convert.exit_code, 0) << convert.err;
    EXPECT_EQ(read_bundle(out).manifest.provenance.source_format, "ldm-checkpoint");

    const auto hostile = test::run_facemix({"convert", (kFixtures / "ckpt" / "os_system.ckpt").string(), "-o", out + ".2"});
    EXPECT_EQ(hostile.exit_code, 1);
    EXPECT_NE(hostile.err.find("os.system"), std::string::npos) << hostile.err;
    EXPECT_FALSE(std::filesystem::exists(out + ".2"));
}

}  // namespace
}  // namespace facemix
