// Broken inputs for every command of the CLI, end to end: the real facemix binary on photos, models,
// recipes and datasets broken the ways users' files break. Each must end with a non-zero exit (not a
// signal, not a timeout), one clear sentence naming the problem, and no partial file in the output
// folder. Everything is generated here into a temp folder; no broken file is committed.
#include <cstdint>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "bundle/model_bundle.h"
#include "io/image_file.h"
#include "io/png_file.h"
#include "support/broken_images.h"
#include "support/full_disk.h"
#include "support/run_command.h"
#include "support/test_data.h"
#include "support/tiny_model.h"
#include "support/text_file.h"

namespace facemix {
namespace {

namespace fs = std::filesystem;

std::vector<std::uint8_t> file_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

// A safetensors file rebuilt from `model` with its header JSON changed by `edit`.
void write_edited_safetensors(const fs::path& model, const fs::path& path, const std::function<void(nlohmann::json&)>& edit) {
    const auto bytes = file_bytes(model);
    std::uint64_t length = 0;
    for (int i = 7; i >= 0; --i) length = (length << 8) | bytes[static_cast<std::size_t>(i)];
    auto header = nlohmann::json::parse(bytes.begin() + 8, bytes.begin() + 8 + static_cast<std::ptrdiff_t>(length));
    edit(header);
    const std::string text = header.dump();
    std::vector<std::uint8_t> out;
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(text.size() >> (8 * i)));
    out.insert(out.end(), text.begin(), text.end());
    out.insert(out.end(), bytes.begin() + 8 + static_cast<std::ptrdiff_t>(length), bytes.end());
    test::write_bytes(path, out);
}

// The bundle's manifest, changed by `edit`.
void write_edited_manifest(const fs::path& model, const fs::path& path, const std::function<void(nlohmann::json&)>& edit) {
    write_edited_safetensors(model, path, [&](nlohmann::json& header) {
        auto manifest = nlohmann::json::parse(header["__metadata__"]["facemix"].get<std::string>());
        edit(manifest);
        header["__metadata__"]["facemix"] = manifest.dump();
    });
}

// What a user must never see: a C++ or library internal instead of a sentence about their input.
const char* const kInternals[] = {"[json.exception", "terminate called", "what():", "Exception raised from", "filesystem error",
                                  "basic_string", "std::", "OpenCV(", "c10::", "Segmentation", "Assertion"};

struct Case {
    std::string name;
    std::vector<std::string> arguments;
    std::string phrase;     // the key words the sentence must hold
    fs::path output;        // the -o folder (or file) that must hold no partial file afterwards
    std::string environment = {};
};

class BadInputCorpus : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new test::TempDir();
        const fs::path& d = dir_->path();
        write_bundle(model(), test::tiny_bundle());
        for (int i = 0; i < 2; ++i) write_image_atomic(source(i), test::synthetic_source("s", 700 + i).aligned);
        cv::Mat noise(200, 200, CV_8UC3);
        cv::randu(noise, 0, 256);
        cv::imwrite((d / "noface.png").string(), noise);
        fs::create_directory(d / "broken_photos");
        broken_ = new std::vector<std::pair<fs::path, std::string>>(test::write_broken_image_corpus(d / "broken_photos"));

        // Models.
        const auto tiny = file_bytes(model());
        test::write_bytes(d / "truncated.safetensors", {tiny.begin(), tiny.begin() + static_cast<std::ptrdiff_t>(tiny.size() / 2)});
        std::vector<std::uint8_t> huge_header(tiny.begin(), tiny.begin() + 200);  // its length field says 2^62 bytes
        for (int i = 0; i < 8; ++i) huge_header[static_cast<std::size_t>(i)] = i == 7 ? 0x40 : 0;
        test::write_bytes(d / "huge_header.safetensors", huge_header);
        write_edited_safetensors(model(), d / "absurd_shape.safetensors", [](nlohmann::json& h) {
            for (auto& [name, entry] : h.items())
                if (name != "__metadata__") entry["shape"] = {1LL << 40, 1LL << 40};
        });
        write_edited_safetensors(model(), d / "absurd_offsets.safetensors", [](nlohmann::json& h) {
            for (auto& [name, entry] : h.items())
                if (name != "__metadata__") entry["data_offsets"] = {0, 1LL << 50};
        });
        write_edited_manifest(model(), d / "resolution_string.safetensors", [](nlohmann::json& m) { m["native_resolution"] = "big"; });
        write_edited_manifest(model(), d / "resolution_1e300.safetensors", [](nlohmann::json& m) { m["native_resolution"] = 1e300; });
        write_edited_manifest(model(), d / "tokens_number.safetensors", [](nlohmann::json& m) { m["conditioning"]["tokens"] = 5; });
        write_edited_manifest(model(), d / "unet_list.safetensors", [](nlohmann::json& m) { m["unet"] = {1, 2}; });
        write_edited_safetensors(model(), d / "manifest_not_json.safetensors",
                                 [](nlohmann::json& h) { h["__metadata__"]["facemix"] = "{not json"; });
        test::write_text(d / "not_a_model" / "readme.txt", "photos, not weights\n");
        test::write_text(d / "diffusers" / "unet" / "config.json", R"({"block_out_channels": "wide", "cross_attention_dim": 8})");

        // Recipes: a cell made now, then broken copies.
        const auto made = test::run_facemix({"mix", "--faces", source(0), "--backgrounds", source(1), "-m", model().string(), "--steps",
                                             "2", "--aligned", "--device", "cpu", "-o", (d / "made").string()});
        ASSERT_EQ(made.exit_code, 0) << made.err;
        const fs::path cell = d / "made" / "r01c01_source0_x_source1.png";
        const cv::Mat pixels = load_image(cell);
        auto texts = read_png_text(cell);
        write_png_atomic(d / "recipe_not_json.png", pixels, {{"facemix", "{not json"}});
        write_png_atomic(d / "no_recipe.png", pixels);
        auto recipe = nlohmann::json::parse(texts.at("facemix"));
        recipe["seed"] = 1e300;
        write_png_atomic(d / "recipe_seed_1e300.png", pixels, {{"facemix", recipe.dump()}});
        recipe = nlohmann::json::parse(texts.at("facemix"));
        recipe["sampling"]["steps"] = -5.0;
        write_png_atomic(d / "recipe_steps_negative.png", pixels, {{"facemix", recipe.dump()}});
        const auto edited = test::run_facemix({"edit", source(0), "-m", model().string(), "--steps", "2", "--aligned", "--device", "cpu",
                                               "-o", (d / "edited").string()});
        ASSERT_EQ(edited.exit_code, 0) << edited.err;
        for (const auto& entry : fs::directory_iterator(d / "edited"))
            if (entry.path().extension() == ".png") edit_png_ = new fs::path(entry.path());
        ASSERT_NE(edit_png_, nullptr);

        // Datasets.
        const auto synth = test::run_facemix({"synth", "-n", "6", "--size", "64", "--renders", "2", "-o", (d / "synth").string()});
        ASSERT_EQ(synth.exit_code, 0) << synth.err;
        copy_dataset("no_labels");
        fs::remove(d / "no_labels" / "labels.csv");
        copy_dataset("bad_pairs");
        test::write_text(d / "bad_pairs" / "pairs.csv", "image,partner\nid0000_r0.png,nobody.png\n");
        copy_dataset("pairs_short_rows");
        test::write_text(d / "pairs_short_rows" / "pairs.csv", "image,partner\nid0000_r0.png\n,,,\n");
        copy_dataset("bad_labels");
        test::write_text(d / "bad_labels" / "labels.csv", "file,identity\nid0000_r0.png,0\nmissing.png,1\nid0002_r0.png,2\nid0003_r0.png,3\n");
        copy_dataset("bad_split");
        test::write_text(d / "bad_split" / "dataset.json", R"({"split": {"held_out": 7}})");
        copy_dataset("no_dataset_json");
        fs::remove(d / "no_dataset_json" / "dataset.json");
        // prep's layout (a "photo" column), without its dataset.json or with a split of numbers.
        copy_dataset("prep_no_json");
        fs::remove(d / "prep_no_json" / "dataset.json");
        test::write_text(d / "prep_no_json" / "labels.csv", "file,identity,photo\nid0000_r0.png,a,p0\nid0000_r1.png,a,p1\n");
        copy_dataset("prep_bad_split");
        test::write_text(d / "prep_bad_split" / "labels.csv", "file,identity,photo\nid0000_r0.png,a,p0\nid0000_r1.png,a,p1\n");
        test::write_text(d / "prep_bad_split" / "dataset.json", R"({"split": {"held_out": [1, 2]}})");
        test::write_text(d / "config_steps_1e300.json", R"({"steps": 1e300})");
        test::write_text(d / "a_file", "in the way\n");
    }
    static void TearDownTestSuite() {
        delete edit_png_;
        delete broken_;
        delete dir_;
    }

    static void copy_dataset(const std::string& name) { fs::copy(dir_->path() / "synth", dir_->path() / name, fs::copy_options::recursive); }
    static fs::path model() { return dir_->path() / "tiny.safetensors"; }
    static std::string source(int i) { return (dir_->path() / ("source" + std::to_string(i) + ".png")).string(); }
    static std::string path(const std::string& name) { return (dir_->path() / name).string(); }
    static fs::path out(const std::string& name) { return dir_->path() / "out" / name; }
    static std::vector<std::string> gen(std::vector<std::string> head, const std::string& m = "") {
        for (const auto& item : {std::string("-m"), m.empty() ? model().string() : m, std::string("--steps"), std::string("2"),
                                 std::string("--device"), std::string("cpu")})
            head.push_back(item);
        return head;
    }

    // Runs every case and checks the exit, the sentence and the output folder.
    static void expect_refused(const std::vector<Case>& cases) {
        for (const Case& c : cases) {
            SCOPED_TRACE(c.name);
            const auto result = test::run_facemix(c.arguments, {.timeout_s = 60, .environment = c.environment});
            EXPECT_NE(result.exit_code, test::kTimedOut) << c.name << ": timed out";
            EXPECT_TRUE(result.exit_code == 1 || result.exit_code == 2)
                << c.name << ": exit " << result.exit_code << " (a signal is 128+n)\n" << result.err;
            EXPECT_NE(result.err.find(c.phrase), std::string::npos) << c.name << ": no \"" << c.phrase << "\" in\n" << result.err;
            std::size_t sentences = 0;
            std::istringstream lines(result.err);
            for (std::string line; std::getline(lines, line);) sentences += line.rfind("facemix: ", 0) == 0;
            EXPECT_GE(sentences, 1u) << c.name << ": no 'facemix: ' sentence in\n" << result.err;
            EXPECT_LE(sentences, 4u) << c.name << ": too many error lines in\n" << result.err;
            for (const char* internal : kInternals)
                EXPECT_EQ(result.err.find(internal), std::string::npos) << c.name << ": '" << internal << "' in\n" << result.err;
            if (!c.output.empty()) {
                const auto left = fs::is_directory(c.output) ? test::files_below(c.output) : std::set<std::string>{};
                EXPECT_TRUE(left.empty()) << c.name << ": left " << left.size() << " file(s), e.g. " << (left.empty() ? "" : *left.begin());
                if (!fs::is_directory(c.output) && c.output.extension() != "") {
                    EXPECT_FALSE(fs::exists(c.output)) << c.name;
                }
            }
        }
    }

    static inline test::TempDir* dir_ = nullptr;
    static inline std::vector<std::pair<fs::path, std::string>>* broken_ = nullptr;
    static inline fs::path* edit_png_ = nullptr;
};

// Every broken photo, given to each command that reads photos.
TEST_F(BadInputCorpus, BrokenPhotos) {
    std::vector<Case> cases;
    for (const auto& [photo, why] : *broken_) {
        const std::string name = photo.filename().string();
        const std::string said = photo.filename().string();  // every refusal names the file
        cases.push_back({"align " + why, {"align", photo.string(), "-o", out("align_" + name).string()}, said, out("align_" + name)});
        cases.push_back({"mix " + why, gen({"mix", "--faces", photo.string(), "--backgrounds", source(1), "-o", out("mix_" + name).string()}),
                         said, out("mix_" + name)});
        // The commands below share mix's photo loader: four kinds of breakage are enough for them.
        if (name != "empty.jpg" && name != "truncated_half.jpg" && name != "text.jpg" && name != "huge.png") continue;
        cases.push_back({"edit " + why, gen({"edit", photo.string(), "-o", out("edit_" + name).string()}), said, out("edit_" + name)});
        cases.push_back({"interpolate " + why,
                         gen({"interpolate", "--faces", source(0), photo.string(), "--backgrounds", source(1), "-o",
                              out("interpolate_" + name).string(), "--frames", "3"}),
                         said, out("interpolate_" + name)});
        cases.push_back({"prep " + why, {"prep", photo.string(), "-o", out("prep_" + name).string()}, said, out("prep_" + name) / "faces"});
    }
    const std::string noface = path("noface.png");
    cases.push_back({"align, no face", {"align", noface, "-o", out("align_noface").string()}, "no face found", out("align_noface")});
    cases.push_back({"mix, no face", gen({"mix", "--faces", noface, "--backgrounds", source(1), "-o", out("mix_noface").string()}),
                     "No face found in", out("mix_noface")});
    cases.push_back({"mix, background without a face",
                     gen({"mix", "--faces", source(0), "--backgrounds", noface, "-o", out("mix_noface_bg").string()}), "No face found in",
                     out("mix_noface_bg")});
    cases.push_back({"edit, no face", gen({"edit", noface, "-o", out("edit_noface").string()}), "No face found in", out("edit_noface")});
    cases.push_back({"eval, photos without faces",
                     gen({"eval", "--face-photos", noface, "--background-photos", noface, "-o", out("eval_noface").string()}),
                     "No face found in", out("eval_noface")});
    cases.push_back({"prep, photos without faces", {"prep", noface, "-o", out("prep_noface").string()}, "no face",
                     out("prep_noface") / "faces"});
    expect_refused(cases);
}

// Broken model files and folders, for every command that opens a model.
TEST_F(BadInputCorpus, BrokenModels) {
    const std::vector<std::pair<std::string, std::string>> models = {
        {"truncated.safetensors", "lies outside the file"},
        {"huge_header.safetensors", "header, more than a safetensors header may have"},
        {"absurd_shape.safetensors", "impossibly large shape"},
        {"absurd_offsets.safetensors", "lies outside the file"},
        {"resolution_string.safetensors", "a whole number was expected, not a string"},
        {"resolution_1e300.safetensors", "was expected, not 1e+300"},
        {"tokens_number.safetensors", "an array was expected, not a number"},
        {"unet_list.safetensors", "an object was expected, not an array"},
        {"manifest_not_json.safetensors", "manifest is not valid JSON"},
        {"not_a_model", "is not a model facemix can read"},
        {"diffusers", "is not a usable diffusers UNet config"},
        {"broken_photos/empty.jpg", "not a weight file facemix reads"},
        {"no_such_model.safetensors", "no such file"},
    };
    std::vector<Case> cases;
    for (const auto& [file, phrase] : models) {
        const std::string m = path(file);
        const std::string tag = fs::path(file).filename().string();
        cases.push_back({"info " + file, {"info", m}, phrase, {}});
        cases.push_back({"convert " + file, {"convert", m, "-o", (out("convert_" + tag) / "x.safetensors").string()}, phrase,
                         out("convert_" + tag)});
        cases.push_back({"mix " + file, gen({"mix", "--faces", source(0), "--backgrounds", source(1), "--aligned", "-o",
                                             out("mix_" + tag).string()}, m),
                         phrase, out("mix_" + tag)});
        cases.push_back({"replay " + file, {"replay", (dir_->path() / "made" / "r01c01_source0_x_source1.png").string(), "-m", m}, phrase, {}});
        const std::string init_phrase = fs::is_directory(m) ? "is a folder, not a facemix bundle"
                                        : !fs::exists(m)     ? "does not exist"
                                        : fs::path(m).extension() == ".jpg" ? "too short to be a safetensors file"  // read as a bundle
                                                             : phrase;
        cases.push_back({"train --init " + file, {"train", "--data", path("synth"), "--init", m, "-o", out("train_" + tag).string(), "--steps", "1"},
                         init_phrase, out("train_" + tag)});
        cases.push_back({"eval -m " + file, {"eval", "-m", m, "-o", out("eval_" + tag).string(), "--faces", "1", "--backgrounds", "1"}, phrase,
                         out("eval_" + tag)});
    }
    expect_refused(cases);
}

// Images whose recipe is broken, or that need a photo that is not there.
TEST_F(BadInputCorpus, BrokenRecipes) {
    const std::string m = model().string();
    expect_refused({
        {"replay, recipe not JSON", {"replay", path("recipe_not_json.png"), "-m", m}, "carries a facemix recipe that is not valid JSON", {}},
        {"replay, no recipe", {"replay", path("no_recipe.png"), "-m", m}, "carries no facemix recipe", {}},
        {"replay, seed 1e300", {"replay", path("recipe_seed_1e300.png"), "-m", m}, "was expected, not 1e+300", {}},
        {"replay, negative steps", {"replay", path("recipe_steps_negative.png"), "-m", m}, "steps", {}},
        {"replay, not a PNG", {"replay", path("broken_photos/text.jpg"), "-m", m}, "not a PNG file", {}},
        {"replay, an edit without its photo", {"replay", edit_png_->string(), "-m", m}, "give that photo with --init", {}},
        {"replay, an edit whose photo is missing", {"replay", edit_png_->string(), "-m", m, "--init", path("gone.png")}, "gone.png", {}},
        {"replay, an edit with another photo", {"replay", edit_png_->string(), "-m", m, "--init", source(1)},
         "is not the photo the edit started from", {}},
    });
}

// Datasets with missing or broken files, for train, eval and synth.
TEST_F(BadInputCorpus, BrokenDatasets) {
    const auto train = [&](const std::string& data, const std::string& tag) {
        return std::vector<std::string>{"train", "--data", path(data), "-o", out("train_" + tag).string(), "--steps", "1", "--device", "cpu"};
    };
    expect_refused({
        {"train, no dataset", train("no_such_dataset", "missing"), "has no readable labels.csv", out("train_missing")},
        {"train, no labels.csv", train("no_labels", "no_labels"), "has no readable labels.csv", out("train_no_labels")},
        {"train, pairs.csv naming an unknown image", train("bad_pairs", "bad_pairs"), "names an image that labels.csv does not list",
         out("train_bad_pairs")},
        {"train, pairs.csv with short rows", train("pairs_short_rows", "short_rows"), "pairs.csv", out("train_short_rows")},
        {"train, labels.csv naming a missing image", train("bad_labels", "bad_labels"), "missing.png", out("train_bad_labels")},
        {"train, dataset.json with a bad split", train("bad_split", "bad_split"), "without a list of held-out people",
         out("train_bad_split")},
        {"train, config with steps 1e300",
         {"train", "--data", path("synth"), "--config", path("config_steps_1e300.json"), "-o", out("train_config").string()},
         "\"steps\" has the wrong type", out("train_config")},
        {"eval --data on a synth dataset", gen({"eval", "--data", path("synth"), "-o", out("eval_synth").string()}),
         "has no \"photo\" column", out("eval_synth")},
        {"eval --data without dataset.json",
         gen({"eval", "--data", path("prep_no_json"), "-o", out("eval_no_json").string()}), "has no readable dataset.json",
         out("eval_no_json")},
        {"eval --data with a bad split", gen({"eval", "--data", path("prep_bad_split"), "-o", out("eval_bad_split").string()}),
         "split.held_out must list names", out("eval_bad_split")},
        {"synth, zero identities", {"synth", "-n", "0", "-o", out("synth_zero").string()}, "identities", out("synth_zero")},
        {"synth into a file", {"synth", "-n", "2", "-o", (dir_->path() / "a_file" / "set").string()}, "not a directory", {}},
    });
}

// Output places that cannot be written: a parent that is a file, and a full disk.
TEST_F(BadInputCorpus, UnwritableOutputs) {
    const std::string in_the_way = (dir_->path() / "a_file" / "out").string();
    const std::string full = test::kFullDiskEnvironment;
    expect_refused({
        {"mix -o under a file", gen({"mix", "--faces", source(0), "--backgrounds", source(1), "--aligned", "-o", in_the_way}),
         "could not create the folder " + in_the_way + ": not a directory.", {}},
        {"align -o under a file", {"align", source(0), "-o", in_the_way}, "not a directory", {}},
        {"train -o under a file", {"train", "--data", path("synth"), "-o", in_the_way, "--steps", "1"}, "not a directory", {}},
        {"convert -o under a file", {"convert", model().string(), "-o", in_the_way + ".safetensors"}, "not a directory", {}},
        {"mix on a full disk", gen({"mix", "--faces", source(0), "--backgrounds", source(1), "--aligned", "-o", out("full_mix").string()}),
         "no space left on device", out("full_mix"), full},
        {"train on a full disk", {"train", "--data", path("synth"), "-o", out("full_train").string(), "--steps", "1", "--device", "cpu"},
         "no space left on device", out("full_train"), full},
        {"convert on a full disk", {"convert", model().string(), "-o", path("full_convert.safetensors")}, "no space left on device",
         path("full_convert.safetensors"), full},
        {"align on a full disk", {"align", (test::testdata_dir() / "facerec_biden.jpg").string(), "-o", out("full_align").string()}, "no space left on device", out("full_align"),
         full},
    });
}

}  // namespace
}  // namespace facemix
