#include "align/face_aligner.h"
#include "io/image_file.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

namespace facemix {
namespace {

// Every photo of testdata/faces yields the number of faces identities.csv gives, including the
// 24-face collage, the six small faces at a table and the two photos without a face. With the default
// detector settings there is no miss on the group photos.
TEST(FaceCount, MatchesIdentitiesCsvForEveryPhoto) {
    FaceAligner aligner;
    const auto labels = test::photo_labels();
    ASSERT_GE(labels.size(), 38u);
    for (const auto& label : labels) {
        const auto faces = aligner.align(load_image(test::testdata_dir() / label.file));
        EXPECT_EQ(static_cast<int>(faces.size()), label.faces) << label.file;
        for (std::size_t k = 1; k < faces.size(); ++k)
            EXPECT_GE(faces[k - 1].detection.box.area(), faces[k].detection.box.area()) << label.file << ": not largest first";
    }
}

TEST(FaceCount, LargestOnlyKeepsTheBiggestFace) {
    FaceAlignerOptions options;
    options.largest_only = true;
    FaceAligner largest(options);
    FaceAligner all;
    const cv::Mat photo = load_image(test::testdata_dir() / "dlib_2008_002506.jpg");
    const auto every = all.align(photo);
    const auto one = largest.align(photo);
    ASSERT_EQ(every.size(), 3u);
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[0].detection.box, every[0].detection.box);
}

}  // namespace
}  // namespace facemix
