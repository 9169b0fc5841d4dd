#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "align/face_aligner.h"
#include "identity/face_descriptor.h"
#include "io/image_file.h"
#include "mix/face_similarity.h"
#include "mix/identity_meter.h"
#include "support/test_data.h"
#include "support/tiny_model.h"

namespace facemix {
namespace {

cv::Mat aligned(const std::string& photo) {
    return FaceAligner().align(load_image(test::testdata_dir() / photo)).at(0).aligned;
}

SourceEmbedder& embedder() { return test::tiny_cpu_engine().embedder(); }

TEST(IdentityMeter, WithoutTheDescriptorModelItIsTheEncoderCosine) {
    test::TempDir dir;
    IdentityMeter meter(dir.path() / "absent.dat");
    const cv::Mat face = test::synthetic_source("a", 1).aligned, other = test::synthetic_source("b", 2).aligned;
    EXPECT_TRUE(meter.descriptor_error().empty());  // nothing loaded before the first reading
    const IdentityReading reading = meter.measure(embedder(), other, face);
    EXPECT_EQ(reading.measure, IdentityMeasure::EncoderCosine);
    EXPECT_EQ(reading.fallback, IdentityFallback::NoDescriptorModel);
    EXPECT_DOUBLE_EQ(reading.value, face_similarity(embedder(), other, face));
    EXPECT_NE(meter.descriptor_error().find("absent.dat"), std::string::npos) << meter.descriptor_error();
}

TEST(IdentityMeter, FacesReadAsDescriptorDistancesAndNoFaceFallsBack) {
    IdentityMeter meter;  // the venv's model, as the studio uses it
    const cv::Mat jolie = aligned("deepface_img1.jpg"), obama = aligned("facerec_obama.jpg");
    cv::Mat small;
    cv::resize(jolie, small, {64, 64}, 0, 0, cv::INTER_AREA);  // a small model's cell: enlarged before detection
    const IdentityReading same = meter.measure(embedder(), small, jolie);
    ASSERT_EQ(same.measure, IdentityMeasure::DescriptorDistance) << fallback_reason(same.fallback);
    EXPECT_LT(same.value, kSamePersonDistance);
    const IdentityReading different = meter.measure(embedder(), obama, jolie);
    ASSERT_EQ(different.measure, IdentityMeasure::DescriptorDistance);
    EXPECT_GT(different.value, kSamePersonDistance);
    EXPECT_LE(different.value, 2.0);

    const cv::Mat noise = test::synthetic_source("noise", 3, 64).aligned;
    const IdentityReading none = meter.measure(embedder(), noise, jolie);
    EXPECT_EQ(none.measure, IdentityMeasure::EncoderCosine);
    EXPECT_EQ(none.fallback, IdentityFallback::NoFaceInCell);
    const IdentityReading no_source = meter.measure(embedder(), obama, noise);
    EXPECT_EQ(no_source.fallback, IdentityFallback::NoFaceInSource);
}

}  // namespace
}  // namespace facemix
