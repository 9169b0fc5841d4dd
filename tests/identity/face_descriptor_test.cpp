#include "align/face_aligner.h"
#include "align/face_detector.h"
#include "common/error.h"
#include "identity/face_descriptor.h"
#include "io/image_file.h"
#include "support/test_data.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

namespace facemix {
namespace {

FaceDescriptor& shared_descriptor() {
    static FaceDescriptor descriptor;
    return descriptor;
}

FaceDescriptorVector describe_photo(const std::string& file) {
    const auto found = shared_descriptor().describe_largest_face(load_image(test::testdata_dir() / file));
    if (!found) throw std::runtime_error(file + ": no face");
    return *found;
}

TEST(FaceDescriptor, DistanceAndCosineOfKnownVectors) {
    FaceDescriptorVector a{}, b{};
    a[0] = 3.0f;
    b[1] = 4.0f;
    EXPECT_FLOAT_EQ(descriptor_distance(a, b), 5.0f);
    EXPECT_FLOAT_EQ(descriptor_distance(a, a), 0.0f);
    EXPECT_FLOAT_EQ(descriptor_cosine(a, b), 0.0f);
    b[0] = -6.0f;
    b[1] = 0.0f;
    EXPECT_FLOAT_EQ(descriptor_cosine(a, b), -1.0f);
    EXPECT_FLOAT_EQ(descriptor_cosine(a, FaceDescriptorVector{}), 0.0f);
}

// Photos of four people, two each (different photos, not crops of one): the same person must fall
// under dlib's 0.6 and different people over it. (Not every pair of the test photos does: jennifer_aniston's
// img3/img12 measure 0.610; see core/train/retrieval_pairs.h for the whole table.)
TEST(FaceDescriptor, SamePersonIsCloserThanPointSixAndDifferentPeopleFurther) {
    const std::vector<std::pair<std::string, std::string>> photos = {
        {"deepface_img1.jpg", "angelina_jolie"},   {"deepface_img2.jpg", "angelina_jolie"},
        {"deepface_img13.jpg", "mark_zuckerberg"}, {"deepface_img14.jpg", "mark_zuckerberg"},
        {"facerec_obama.jpg", "barack_obama"},     {"facerec_obama2.jpg", "barack_obama"},
        {"deepface_img16.jpg", "jack_dorsey"},     {"deepface_img17.jpg", "jack_dorsey"}};
    std::vector<FaceDescriptorVector> descriptors;
    const auto start = std::chrono::steady_clock::now();
    for (const auto& [file, person] : photos) descriptors.push_back(describe_photo(file));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("detect + landmarks + describe: %.2f s per photo\n", seconds / static_cast<double>(photos.size()));

    for (std::size_t a = 0; a < photos.size(); ++a) {
        // Descriptors of real faces measure 1.5 to 1.6 in length; an all-zero or NaN output fails here.
        float norm = 0;
        for (float v : descriptors[a]) norm += v * v;
        EXPECT_GT(std::sqrt(norm), 1.0f) << photos[a].first;
        EXPECT_LT(std::sqrt(norm), 2.5f) << photos[a].first;
        for (std::size_t b = a + 1; b < photos.size(); ++b) {
            const float d = descriptor_distance(descriptors[a], descriptors[b]);
            std::printf("%-22s %-22s %.3f\n", photos[a].first.c_str(), photos[b].first.c_str(), d);
            if (photos[a].second == photos[b].second) EXPECT_LT(d, kSamePersonDistance) << photos[a].first << " " << photos[b].first;
            else EXPECT_GT(d, kSamePersonDistance) << photos[a].first << " " << photos[b].first;
        }
    }
}

// describe() on the photo with the aligner's landmarks is what prep stores; describe_largest_face() on
// the aligned image is what eval measures on generated faces. Both must describe the same person: 0.05
// apart for these photos. (Not for a photo whose FFHQ square reaches far outside it, such as
// deepface_img1.jpg: the recipe's padding blur then covers the face, and the aligned image measures 0.59.)
TEST(FaceDescriptor, AnAlignedImageDescribesLikeThePhotoItCameFrom) {
    FaceAlignerOptions options;
    options.size = 256;
    FaceAligner aligner(options);
    for (const char* file : {"deepface_img13.jpg", "facerec_obama.jpg"}) {
        const cv::Mat photo = load_image(test::testdata_dir() / file);
        const auto faces = aligner.align(photo);
        ASSERT_EQ(faces.size(), 1u);
        const auto start = std::chrono::steady_clock::now();
        const FaceDescriptorVector from_photo = shared_descriptor().describe(photo, faces[0].landmarks);
        std::printf("describe() alone: %.3f s per face\n",
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        const auto from_aligned = shared_descriptor().describe_largest_face(faces[0].aligned);
        ASSERT_TRUE(from_aligned.has_value());
        const float d = descriptor_distance(from_photo, *from_aligned);
        std::printf("%s vs its 256 px aligned image: %.3f\n", file, d);
        EXPECT_LT(d, 0.15f) << file;
        EXPECT_GT(descriptor_cosine(from_photo, *from_aligned), 0.98f) << file;
    }
}

double median_of(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

// describe_aligned() finds landmarks from a fixed box instead of detecting (measured detector box printed:
// left 99.5, top 135, side 321.5 at 512 px; the fixed box is tighter, and the landmarks still land), and the
// descriptor must match the photo's own, on every
// single-face test photo (a face token that changed with detection luck would not be one identity).
TEST(FaceDescriptor, DescribeAlignedUsesTheDetectorsBoxAndMatchesThePhotosDescriptor) {
    FaceAlignerOptions options;
    options.size = 512;
    options.largest_only = true;
    FaceAligner aligner(options);
    FaceDetector detector;
    std::vector<double> left, top, side, distances;
    for (const auto& label : test::photo_labels()) {
        if (label.faces != 1) continue;
        SCOPED_TRACE(label.file);
        const cv::Mat photo = load_image(test::testdata_dir() / label.file);
        const auto faces = aligner.align(photo);
        ASSERT_EQ(faces.size(), 1u);
        const auto boxes = detector.detect(faces[0].aligned);
        if (!boxes.empty()) {
            left.push_back(boxes[0].box.x);
            top.push_back(boxes[0].box.y);
            side.push_back(boxes[0].box.width);
        }
        const FaceDescriptorVector from_photo = shared_descriptor().describe(photo, faces[0].landmarks);
        const float d = descriptor_distance(from_photo, shared_descriptor().describe_aligned(faces[0].aligned));
        distances.push_back(d);
        EXPECT_LT(d, 0.3f);  // well inside dlib's same-person 0.6
    }
    ASSERT_GE(left.size(), 20u);
    std::printf("detector box on 512 px aligned faces (median of %zu): left %.1f top %.1f side %.1f; describe_aligned vs "
                "photo: median %.3f\n",
                left.size(), median_of(left), median_of(top), median_of(side), median_of(distances));
    EXPECT_LT(median_of(distances), 0.12);
}

TEST(FaceDescriptor, NoFaceIsNullopt) {
    EXPECT_FALSE(shared_descriptor().describe_largest_face(load_image(test::testdata_dir() / "ipadapter_river.png")).has_value());
}

TEST(FaceDescriptor, ATruncatedOrForeignModelIsAnInputErrorNamingTheFile) {
    test::TempDir dir;
    const auto real = shared_descriptor().model_path();
    const auto truncated = dir.path() / "truncated.dat";
    {
        std::ifstream in(real, std::ios::binary);
        std::string head(200000, '\0');
        in.read(head.data(), static_cast<std::streamsize>(head.size()));
        std::ofstream(truncated, std::ios::binary).write(head.data(), in.gcount());
    }
    const auto garbage = dir.path() / "garbage.dat";
    std::ofstream(garbage, std::ios::binary) << std::string(5000, '\x7f') << "not a network";
    const auto landmarks = default_landmark_model_path();  // a real dlib file of another kind
    for (const auto& bad : {truncated, garbage, landmarks, dir.path() / "missing.dat"}) {
        try {
            FaceDescriptor descriptor(bad);
            ADD_FAILURE() << bad << " was accepted";
        } catch (const InputError& error) {
            EXPECT_NE(std::string(error.what()).find(bad.string()), std::string::npos) << error.what();
        }
    }
}

TEST(FaceDescriptor, TheEnvironmentOverridesTheModelPath) {
    const char* previous = std::getenv("FACEMIX_FACE_DESCRIPTOR_MODEL");
    const std::string saved = previous ? previous : "";
    ::setenv("FACEMIX_FACE_DESCRIPTOR_MODEL", "/nonexistent/model.dat", 1);
    EXPECT_EQ(default_face_descriptor_model_path(), std::filesystem::path("/nonexistent/model.dat"));
    EXPECT_THROW(FaceDescriptor{}, InputError);
    if (previous) ::setenv("FACEMIX_FACE_DESCRIPTOR_MODEL", saved.c_str(), 1);
    else ::unsetenv("FACEMIX_FACE_DESCRIPTOR_MODEL");
    EXPECT_EQ(default_face_descriptor_model_path().filename(), "dlib_face_recognition_resnet_model_v1.dat");
}

}  // namespace
}  // namespace facemix
