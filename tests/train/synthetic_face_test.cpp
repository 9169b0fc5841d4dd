#include "align/face_split.h"
#include "common/error.h"
#include "io/image_file.h"
#include "support/test_data.h"
#include "support/text_file.h"
#include "train/shape_canvas.h"
#include "train/synthetic_dataset.h"
#include "train/synthetic_face.h"

#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

namespace facemix {
namespace {

// FNV-1a over the pixels: a fingerprint of an image that a test can pin.
std::uint64_t pixel_hash(const cv::Mat& image) {
    std::uint64_t hash = 0xcbf29ce484222325ull;
    for (int y = 0; y < image.rows; ++y) {
        const auto* row = image.ptr<std::uint8_t>(y);
        for (std::size_t i = 0; i < image.cols * image.elemSize(); ++i) hash = (hash ^ row[i]) * 0x100000001b3ull;
    }
    return hash;
}

bool same_pixels(const cv::Mat& a, const cv::Mat& b) {
    return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

// Mean absolute difference (summed over BGR) inside and outside the face box.
struct BoxDifference {
    double inside = 0, outside = 0;
};

BoxDifference box_difference(const cv::Mat& a, const cv::Mat& b) {
    cv::Mat difference;
    cv::absdiff(a, b, difference);
    cv::Mat inside(a.size(), CV_8UC1, cv::Scalar(0));
    inside(face_box(a.rows)).setTo(255);
    const cv::Mat outside = 255 - inside;
    const cv::Scalar in = cv::mean(difference, inside), out = cv::mean(difference, outside);
    return {in[0] + in[1] + in[2], out[0] + out[1] + out[2]};
}

TEST(SyntheticFace, OwnSinCosMatchesLibmAndIsExactOnTheAxes) {
    for (int quarter = -2880; quarter <= 2880; quarter += 3) {
        const double degrees = quarter * 0.25;
        const SinCos a = sin_cos_degrees(degrees);
        // Reduced in degrees first, or the reference's own rounding of 700 * pi / 180 dominates.
        const double radians = std::fmod(degrees, 360.0) * 3.14159265358979323846 / 180.0;
        EXPECT_NEAR(a.sin, std::sin(radians), 2e-15) << degrees;
        EXPECT_NEAR(a.cos, std::cos(radians), 2e-15) << degrees;
    }
    EXPECT_EQ(sin_cos_degrees(90).sin, 1.0);
    EXPECT_EQ(sin_cos_degrees(90).cos, 0.0);
    EXPECT_EQ(sin_cos_degrees(180).cos, -1.0);
    EXPECT_EQ(sin_cos_degrees(-90).sin, -1.0);
}

TEST(SyntheticFace, UniformIntIsUniformAndInRange) {
    std::mt19937_64 rng(3);
    std::map<int, int> counts;
    constexpr int draws = 60000;
    for (int i = 0; i < draws; ++i) ++counts[uniform_int(rng, -2, 3)];
    ASSERT_EQ(counts.size(), 6u);
    EXPECT_EQ(counts.begin()->first, -2);
    EXPECT_EQ(counts.rbegin()->first, 3);
    for (const auto& [value, count] : counts) EXPECT_NEAR(count, draws / 6, 400) << value;  // ~4 sigma
    EXPECT_EQ(uniform_int(rng, 7, 7), 7);
    EXPECT_THROW(uniform_int(rng, 1, 0), std::invalid_argument);
}

// The mapping from the generator's raw output to traits is ours (not std::uniform_int_distribution), so
// these values hold for every standard library; a change here changes every dataset.
TEST(SyntheticFace, TraitDrawsArePinned) {
    std::mt19937_64 rng(42);
    const IdentityTraits identity = draw_identity(rng);
    const SceneTraits scene = draw_scene(rng);
    std::mt19937_64 again(42);
    EXPECT_EQ(draw_identity(again), identity);
    EXPECT_EQ(draw_scene(again), scene);
    std::mt19937_64 reference(42);
    // uniform_int is the raw draw modulo the range (a redraw happens with probability below 1e-18).
    EXPECT_EQ(identity.face_shape, static_cast<int>(reference() % 5));
    EXPECT_EQ(identity.face_width, static_cast<int>(reference() % 21) - 10);
    EXPECT_EQ(identity.skin_tone, static_cast<int>(reference() % 8));
}

TEST(SyntheticFace, DrawsCoverEveryValueOfEveryTraitAndNothingElse) {
    std::mt19937_64 rng(11);
    std::map<std::string_view, std::set<int>> seen;
    int no_hat = 0, no_glasses = 0;
    constexpr int draws = 4000;
    for (int i = 0; i < draws; ++i) {
        const IdentityTraits identity = draw_identity(rng);
        const SceneTraits scene = draw_scene(rng);
        for (const auto& spec : identity_trait_specs()) seen[spec.name].insert(identity.*spec.member);
        for (const auto& spec : scene_trait_specs()) seen[spec.name].insert(scene.*spec.member);
        no_hat += scene.hat == 0;
        no_glasses += scene.glasses == 0;
    }
    const auto check = [&](const auto& specs) {
        for (const auto& spec : specs) {
            const auto& values = seen[spec.name];
            EXPECT_EQ(*values.begin(), spec.min) << spec.name;
            EXPECT_EQ(*values.rbegin(), spec.max) << spec.name;
            if (spec.max - spec.min < 100) {
                EXPECT_EQ(values.size(), static_cast<std::size_t>(spec.max - spec.min + 1)) << spec.name;
            }
            if (!spec.categories.empty()) {
                EXPECT_EQ(spec.categories.size(), values.size()) << spec.name;
            }
        }
    };
    check(identity_trait_specs());
    check(scene_trait_specs());
    EXPECT_NEAR(no_hat, draws / 2, 150);  // "none half the time"
    EXPECT_NEAR(no_glasses, draws / 2, 150);
}

TEST(SyntheticFace, SameTraitsSameBytesAndPinnedFingerprints) {
    const IdentityTraits identity = synthetic_identity(5, 3);
    const SceneTraits scene = synthetic_scene(5, 3, 1);
    for (int size : {64, 128, 256, 512}) {
        const cv::Mat image = render_face(identity, scene, size);
        EXPECT_EQ(image.size(), cv::Size(size, size));
        EXPECT_EQ(image.type(), CV_8UC3);
        EXPECT_TRUE(same_pixels(image, render_face(identity, scene, size))) << size;
    }
    // Pinned once on x86-64 (GCC 12, OpenCV 4.6): the renderer uses no libm trigonometry, no float
    // blending and no std distributions, so another machine with the same OpenCV must agree. When the
    // drawing changes on purpose, bump kSyntheticFaceVersion and re-pin.
    EXPECT_EQ(kSyntheticFaceVersion, 1);
    EXPECT_EQ(pixel_hash(render_face(identity, scene, 64)), 0xec4b96f9bd50bb77ull);
    EXPECT_EQ(pixel_hash(render_face(identity, scene, 256)), 0xff6681c59a482140ull);
}

TEST(SyntheticFace, DifferentSeedsGiveDifferentFacesAndScenes) {
    EXPECT_NE(synthetic_identity(1, 0), synthetic_identity(2, 0));
    EXPECT_NE(synthetic_identity(1, 0), synthetic_identity(1, 1));
    EXPECT_NE(synthetic_scene(1, 0, 0), synthetic_scene(1, 0, 1));
    EXPECT_NE(synthetic_scene(1, 0, 0), synthetic_scene(1, 1, 0));
    const cv::Mat a = render_face(synthetic_identity(1, 0), synthetic_scene(1, 0, 0), 64);
    const cv::Mat b = render_face(synthetic_identity(2, 0), synthetic_scene(2, 0, 0), 64);
    EXPECT_GT(cv::norm(a, b, cv::NORM_L1) / (64.0 * 64 * 3), 10.0);
}

TEST(SyntheticFace, TheFaceSitsInTheFaceBoxWithTheEyesWhereFfhqPutsThem) {
    // A plain backdrop, no hair, hat, glasses, light or pose: the skin's bounding box is the face.
    IdentityTraits identity;
    identity.skin_tone = 3;
    SceneTraits scene;
    scene.hair_style = 0;
    scene.background_colour = 5;  // sky blue, far from any skin tone
    scene.shirt_colour = 5;
    const int size = 512;
    const cv::Mat image = render_face(identity, scene, size);
    const cv::Vec3b skin = image.at<cv::Vec3b>(300, 230);  // a cheek
    const cv::Vec3b backdrop = image.at<cv::Vec3b>(5, 5);
    EXPECT_GT(cv::norm(cv::Vec3d(skin) - cv::Vec3d(backdrop)), 100.0);
    // Along the eye line the face spans most of the box's width; along the centre column it runs from
    // above the box (forehead) to the box's bottom edge (chin).
    int left = size, right = 0, bottom = 0;
    for (int x = 0; x < size; ++x)
        if (image.at<cv::Vec3b>(280, x) == skin) left = std::min(left, x), right = std::max(right, x);
    for (int y = 300; y < size; ++y)
        if (image.at<cv::Vec3b>(y, 256) == skin) bottom = y;
    const cv::Rect box = face_box(size);
    EXPECT_NEAR(left, box.x + 10, 14);
    EXPECT_NEAR(right, box.x + box.width - 10, 14);
    EXPECT_NEAR(bottom, box.y + box.height - 8, 10);
    // Eyes: the darkest pixels on the eye line are the pupils, near x = 192 and 320.
    int darkest_left = 0, darkest_right = 0, low_left = 999, low_right = 999;
    for (int x = 150; x < 362; ++x) {
        const cv::Vec3b p = image.at<cv::Vec3b>(241, x);
        const int value = p[0] + p[1] + p[2];
        if (x < 256 && value < low_left) low_left = value, darkest_left = x;
        if (x >= 256 && value < low_right) low_right = value, darkest_right = x;
    }
    EXPECT_NEAR(darkest_left, 192, 6);
    EXPECT_NEAR(darkest_right, 320, 6);
}

TEST(SyntheticFace, ASceneChangeMovesPixelsOutsideTheFaceBoxMoreThanInside) {
    // Same identity, two independent scenes, 40 times at 128 px. Measured: inside ~92, outside ~198
    // (mean |difference| summed over BGR); light, pose jitter and glasses are meant to reach inside.
    double inside = 0, outside = 0;
    for (int i = 0; i < 40; ++i) {
        const IdentityTraits identity = synthetic_identity(77, i);
        const BoxDifference d = box_difference(render_face(identity, synthetic_scene(77, i, 0), 128),
                                               render_face(identity, synthetic_scene(77, i, 1), 128));
        inside += d.inside, outside += d.outside;
    }
    EXPECT_GT(outside / 40, 120.0);
    EXPECT_LT(inside / outside, 0.6);
}

TEST(SyntheticFace, HairHatClothesAndBackdropStayAlmostEntirelyOutsideTheFaceBox) {
    double inside = 0, outside = 0;
    for (int i = 0; i < 40; ++i) {
        const IdentityTraits identity = synthetic_identity(78, i);
        const SceneTraits a = synthetic_scene(78, i, 0);
        SceneTraits b = a;  // only what is meant to live outside the box changes
        const SceneTraits other = synthetic_scene(78, i, 1);
        b.hair_style = other.hair_style, b.hair_colour = other.hair_colour, b.hat = other.hat, b.hat_colour = other.hat_colour;
        b.shirt_colour = other.shirt_colour, b.background_colour = other.background_colour;
        b.background_colour2 = other.background_colour2, b.background_pattern = other.background_pattern;
        const BoxDifference d = box_difference(render_face(identity, a, 128), render_face(identity, b, 128));
        inside += d.inside, outside += d.outside;
    }
    EXPECT_LT(inside / outside, 0.35);
}

TEST(SyntheticFace, AnIdentityChangeMovesPixelsInsideTheFaceBoxMoreThanOutside) {
    double inside = 0, outside = 0;
    for (int i = 0; i < 40; ++i) {
        const SceneTraits scene = synthetic_scene(79, i, 0);
        const BoxDifference d = box_difference(render_face(synthetic_identity(79, 2 * i), scene, 128),
                                               render_face(synthetic_identity(79, 2 * i + 1), scene, 128));
        inside += d.inside, outside += d.outside;
    }
    EXPECT_GT(inside / 40, 60.0);
    EXPECT_GT(inside / outside, 4.0);
}

TEST(SyntheticFace, EachIdentityTraitChangesTheFaceBox) {
    const IdentityTraits base = synthetic_identity(80, 0);
    SceneTraits scene = synthetic_scene(80, 0, 0);
    scene.glasses = 0;  // nothing in front of the eyes
    const cv::Mat reference = render_face(base, scene, 256);
    for (const auto& spec : identity_trait_specs()) {
        IdentityTraits changed = base;
        changed.*spec.member = base.*spec.member == spec.max ? spec.min : spec.max;
        const BoxDifference d = box_difference(reference, render_face(changed, scene, 256));
        EXPECT_GT(d.inside, 0.1) << spec.name;
        EXPECT_GT(d.inside, 2 * d.outside) << spec.name;
    }
}

TEST(SyntheticDataset, RefusesAbsurdCountsAndSizesWithASentence) {
    SyntheticDatasetOptions options;
    options.output = "/tmp/never-written";
    const auto message = [&](auto change) {
        SyntheticDatasetOptions bad = options;
        change(bad);
        try {
            check_synthetic_options(bad);
        } catch (const InputError& error) {
            return std::string(error.what());
        }
        return std::string("accepted");
    };
    options.identities = 10;
    EXPECT_EQ(message([](auto&) {}), "accepted");
    EXPECT_EQ(message([](auto& o) { o.identities = 0; }), "The number of identities (-n) must be between 1 and 1000000, not 0.");
    EXPECT_EQ(message([](auto& o) { o.identities = 1'000'001; }),
              "The number of identities (-n) must be between 1 and 1000000, not 1000001.");
    EXPECT_EQ(message([](auto& o) { o.size = 100; }), "The image size (--size) must be 64, 128, 256 or 512 px, not 100.");
    EXPECT_EQ(message([](auto& o) { o.renders = 0; }),
              "The number of renders per identity (--renders) must be between 1 and 1000, not 0.");
    EXPECT_NE(message([](auto& o) { o.identities = 1'000'000, o.renders = 11; }).find("more than the 10000000 images"),
              std::string::npos);
    options.output = test::TempDir().path() / "x";
    options.size = 1024;
    EXPECT_THROW(write_synthetic_dataset(options), InputError);
    EXPECT_FALSE(std::filesystem::exists(options.output));  // refused before anything was created
}

TEST(SyntheticDataset, WritesNTimesKImagesLabelsAndAManifest) {
    test::TempDir dir;
    SyntheticDatasetOptions options{dir.path() / "set", 3, 2, 9, 64};
    std::vector<std::int64_t> progress;
    const auto summary = write_synthetic_dataset(options, [&](std::int64_t done, std::int64_t total) {
        EXPECT_EQ(total, 6);
        progress.push_back(done);
    });
    EXPECT_EQ(summary.images, 6);
    EXPECT_EQ(summary.written, 6);
    EXPECT_EQ(summary.kept, 0);
    ASSERT_FALSE(progress.empty());
    EXPECT_EQ(progress.back(), 6);

    std::set<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(options.output)) files.insert(entry.path().filename().string());
    const std::set<std::string> expected = {"dataset.json", "labels.csv",     "id0000_r0.png", "id0000_r1.png",
                                            "id0001_r0.png", "id0001_r1.png", "id0002_r0.png", "id0002_r1.png"};
    EXPECT_EQ(files, expected);
    for (int identity = 0; identity < 3; ++identity)
        for (int render = 0; render < 2; ++render) {
            const cv::Mat image = load_image(options.output / synthetic_image_name(identity, render));
            EXPECT_TRUE(same_pixels(image, render_face(synthetic_identity(9, identity), synthetic_scene(9, identity, render), 64)))
                << identity << " " << render;
        }

    const auto manifest = nlohmann::json::parse(test::read_text(options.output / "dataset.json"));
    EXPECT_EQ(manifest.at("kind"), "synthetic");
    EXPECT_EQ(manifest.at("seed"), 9);
    EXPECT_EQ(manifest.at("size"), 64);
    EXPECT_EQ(manifest.at("identities"), 3);
    EXPECT_EQ(manifest.at("renders_per_identity"), 2);
    EXPECT_EQ(manifest.at("images"), 6);
    EXPECT_EQ(manifest.at("complete"), true);
    EXPECT_EQ(manifest.at("facemix_version"), FACEMIX_VERSION);
    EXPECT_EQ(manifest.at("face_box").at("x"), face_box(64).x);
    EXPECT_EQ(manifest.at("traits").at("identity").size(), identity_trait_specs().size());
    EXPECT_EQ(manifest.at("traits").at("scene").size(), scene_trait_specs().size());
    EXPECT_EQ(manifest.at("traits").at("identity").at(0).at("categories").at(4), "heart");
}

TEST(SyntheticDataset, LabelsRoundTripAndMatchTheTraitsOfEveryImage) {
    test::TempDir dir;
    const auto csv = dir.path() / "labels.csv";
    write_synthetic_labels(csv, 21, 5, 3);
    const auto labels = read_synthetic_labels(csv);
    ASSERT_EQ(labels.size(), 15u);
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const auto identity = static_cast<std::int64_t>(i / 3);
        const int render = static_cast<int>(i % 3);
        EXPECT_EQ(labels[i].file, synthetic_image_name(identity, render));
        EXPECT_EQ(labels[i].identity, identity);
        EXPECT_EQ(labels[i].render, render);
        EXPECT_EQ(labels[i].identity_traits, synthetic_identity(21, identity));
        EXPECT_EQ(labels[i].scene_traits, synthetic_scene(21, identity, render));
    }
    // Renders of one identity share every identity trait and (almost surely) differ in scene.
    EXPECT_EQ(labels[3].identity_traits, labels[5].identity_traits);
    EXPECT_NE(labels[3].scene_traits, labels[5].scene_traits);
    const std::string header = test::read_text(csv).substr(0, test::read_text(csv).find('\n'));
    EXPECT_EQ(header.rfind("file,identity,render,face_shape,face_width,skin_tone,", 0), 0u) << header;
    EXPECT_NE(header.find(",pose_scale"), std::string::npos);
}

TEST(SyntheticDataset, BadLabelFilesAreRefusedNamingTheLine) {
    test::TempDir dir;
    const auto csv = dir.path() / "labels.csv";
    write_synthetic_labels(csv, 1, 2, 1);
    std::string text = test::read_text(csv);
    const auto second_row = text.find('\n', text.find('\n') + 1) + 1;
    // The first trait (face_shape) of the second image: 9 is outside 0-4.
    const auto field = text.find(',', text.find(',', text.find(',', second_row) + 1) + 1) + 1;
    text[field] = '9';
    {
        std::ofstream(csv, std::ios::binary) << text;
    }
    try {
        read_synthetic_labels(csv);
        FAIL() << "accepted an out-of-range trait";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("labels.csv line 3: face_shape is '9'"), std::string::npos) << error.what();
    }
    {
        std::ofstream(csv, std::ios::binary) << "file,identity,render\nid0000_r0.png,0,0\n";
    }
    EXPECT_THROW(read_synthetic_labels(csv), InputError);
}

TEST(SyntheticDataset, ResumesKeepingValidImagesAndRedoingBrokenOnes) {
    test::TempDir dir;
    SyntheticDatasetOptions options{dir.path(), 3, 2, 4, 64};
    write_synthetic_dataset(options);
    const auto good = test::read_text(dir.path() / "id0001_r1.png");
    std::filesystem::remove(dir.path() / "id0000_r0.png");
    {
        std::ofstream(dir.path() / "id0001_r1.png", std::ios::binary) << good.substr(0, good.size() / 2);  // truncated
    }
    auto summary = write_synthetic_dataset(options);
    EXPECT_EQ(summary.written, 2);
    EXPECT_EQ(summary.kept, 4);
    EXPECT_EQ(test::read_text(dir.path() / "id0001_r1.png"), good);

    // Growing the set keeps what is there; the new identities continue the same sequence.
    options.identities = 5;
    summary = write_synthetic_dataset(options);
    EXPECT_EQ(summary.written, 4);
    EXPECT_EQ(summary.kept, 6);
    EXPECT_EQ(read_synthetic_labels(dir.path() / "labels.csv").size(), 10u);

    // Another seed or size would mix two different sets in one folder.
    options.seed = 5;
    try {
        write_synthetic_dataset(options);
        FAIL() << "resumed with another seed";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("already holds a synthetic set made with seed 4, size 64"), std::string::npos)
            << error.what();
    }
}

TEST(SyntheticDataset, AStopRequestEndsItWithCancelledKeepingFinishedImages) {
    test::TempDir dir;
    std::stop_source stop;
    SyntheticDatasetOptions options{dir.path(), 100, 2, 1, 64};
    EXPECT_THROW(write_synthetic_dataset(options, [&](std::int64_t, std::int64_t) { stop.request_stop(); }, stop.get_token()),
                 Cancelled);
    std::size_t pngs = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) pngs += entry.path().extension() == ".png";
    EXPECT_GT(pngs, 0u);
    EXPECT_LT(pngs, 200u);
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "labels.csv"));
    EXPECT_EQ(nlohmann::json::parse(test::read_text(dir.path() / "dataset.json")).at("complete"), false);
}

}  // namespace
}  // namespace facemix
