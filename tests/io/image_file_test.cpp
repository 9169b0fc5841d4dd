#include "common/error.h"
#include "io/image_file.h"
#include "support/broken_images.h"
#include "support/test_data.h"

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

namespace facemix {
namespace {

TEST(ImageFile, LoadsJpegAndPngAsBgr8) {
    const cv::Mat jpeg = load_image(test::testdata_dir() / "facerec_obama_small.jpg");
    EXPECT_EQ(jpeg.type(), CV_8UC3);
    EXPECT_EQ(jpeg.size(), cv::Size(320, 240));
    const cv::Mat rgba_png = load_image(test::testdata_dir() / "facerec_alex_lacamoire.png");
    EXPECT_EQ(rgba_png.type(), CV_8UC3);
    EXPECT_EQ(rgba_png.size(), cv::Size(424, 394));
}

TEST(ImageFile, GreyImagesBecomeThreeChannels) {
    test::TempDir dir;
    const cv::Mat grey(20, 30, CV_8U, cv::Scalar(77));
    cv::imwrite((dir.path() / "grey.png").string(), grey);
    const cv::Mat loaded = load_image(dir.path() / "grey.png");
    ASSERT_EQ(loaded.type(), CV_8UC3);
    EXPECT_EQ(loaded.at<cv::Vec3b>(5, 5), cv::Vec3b(77, 77, 77));
}

// A phone photo stored sideways with an EXIF orientation tag must come out upright, or the detector
// sees a face lying on its side and finds nothing.
TEST(ImageFile, HonoursExifOrientation) {
    const cv::Mat upright = load_image(test::testdata_dir() / "facerec_obama_small.jpg");
    for (const auto& [tag, stored_rotation] : {std::pair{6, cv::ROTATE_90_COUNTERCLOCKWISE}, std::pair{8, cv::ROTATE_90_CLOCKWISE},
                                                std::pair{3, cv::ROTATE_180}}) {
        SCOPED_TRACE("orientation " + std::to_string(tag));
        cv::Mat stored;
        cv::rotate(upright, stored, stored_rotation);
        test::TempDir dir;
        const auto path = dir.path() / "sideways.jpg";
        test::write_bytes(path, test::jpeg_with_exif_orientation(stored, tag));
        const cv::Mat loaded = load_image(path);
        ASSERT_EQ(loaded.size(), upright.size());
        EXPECT_LT(cv::norm(loaded, upright, cv::NORM_L1) / static_cast<double>(upright.total() * 3), 3.0)
            << "mean abs difference too large: not rotated back";
    }
}

TEST(ImageFile, EveryBrokenFileIsRefusedWithItsNameInTheMessage) {
    test::TempDir dir;
    const auto corpus = test::write_broken_image_corpus(dir.path());
    ASSERT_GE(corpus.size(), 12u);
    for (const auto& [path, why] : corpus) {
        SCOPED_TRACE(why);
        try {
            (void)load_image(path);
            ADD_FAILURE() << path << " was accepted";
        } catch (const InputError& error) {
            const std::string message = error.what();
            EXPECT_NE(message.find(path.string()), std::string::npos) << message;
            EXPECT_EQ(message.find('\n'), std::string::npos) << "one sentence, one line: " << message;
        }
    }
}

TEST(ImageFile, AbsurdDeclaredSizeIsRefusedBeforeDecoding) {
    test::TempDir dir;
    const auto path = dir.path() / "huge.png";
    test::write_bytes(path, test::png_declaring(40000, 40000));
    try {
        (void)load_image(path);
        FAIL() << "accepted";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("40000x40000"), std::string::npos) << error.what();
    }
}

// Found by tools/fuzz.sh: a PNM or TIFF declaring 20000x40000 went to OpenCV, which allocated 2.4 GB
// before finding no pixels; their headers are now read like those of the other formats.
TEST(ImageFile, PnmAndTiffDeclaredSizesAreRefusedBeforeDecoding) {
    const std::string pnm = "P5\n20000 40000\n255\n";
    std::vector<std::uint8_t> tiff = {'I', 'I', '*', 0, 8, 0, 0, 0, 2, 0};
    for (const std::uint16_t tag : {256, 257}) {
        const std::vector<std::uint8_t> entry = {static_cast<std::uint8_t>(tag), static_cast<std::uint8_t>(tag >> 8),
                                                 3, 0, 1, 0, 0, 0, 0x40, 0x9C, 0, 0};  // SHORT 40000
        tiff.insert(tiff.end(), entry.begin(), entry.end());
    }
    tiff.resize(tiff.size() + 4 + 64);
    for (const auto& [name, bytes] : {std::pair{std::string("huge.pgm"), std::vector<std::uint8_t>(pnm.begin(), pnm.end())},
                                      std::pair{std::string("huge.tiff"), tiff}}) {
        try {
            (void)decode_image(bytes, name);
            FAIL() << name << " accepted";
        } catch (const InputError& error) {
            EXPECT_NE(std::string(error.what()).find("declares"), std::string::npos) << error.what();
        }
    }
}

// Found by tools/fuzz.sh: a '#' right after the width starts no comment for OpenCV, which took
// "919#9999999\n4" as 919 x 9999999 pixels where the header check had read a height of 4.
TEST(ImageFile, APnmCommentGluedToTheWidthIsReadAsOpenCvReadsIt) {
    const std::string pnm = "P5\n919#9999999\n4\xd8";
    try {
        (void)decode_image(std::vector<std::uint8_t>(pnm.begin(), pnm.end()), "glued.pgm");
        FAIL() << "accepted";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("919x9999999"), std::string::npos) << error.what();
    }
    const std::string fine = "P5\n2 #a comment\n2\n255\n\x01\x02\x03\x04";
    const cv::Mat image = decode_image(std::vector<std::uint8_t>(fine.begin(), fine.end()), "fine.pgm");
    EXPECT_EQ(image.size(), cv::Size(2, 2));
}

// Found by tools/fuzz.sh: the header check kept a repeated height's last value, libtiff its first
// (18770 rows of 40000 pixels, 2.25 GB).
TEST(ImageFile, ATiffThatDeclaresItsSizeTwiceIsRefused) {
    std::vector<std::uint8_t> tiff = {'I', 'I', '*', 0, 8, 0, 0, 0, 3, 0};
    for (const auto& [tag, value] : {std::pair{256, 40000}, std::pair{257, 18770}, std::pair{257, 3}}) {
        const std::vector<std::uint8_t> entry = {static_cast<std::uint8_t>(tag), static_cast<std::uint8_t>(tag >> 8), 3, 0, 1, 0, 0, 0,
                                                 static_cast<std::uint8_t>(value), static_cast<std::uint8_t>(value >> 8), 0, 0};
        tiff.insert(tiff.end(), entry.begin(), entry.end());
    }
    tiff.resize(tiff.size() + 4 + 64);
    try {
        (void)decode_image(tiff, "twice.tiff");
        FAIL() << "accepted";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("twice"), std::string::npos) << error.what();
    }
}

// OS/2's BMP header holds 16-bit sizes, which the 32-bit reading took for 196610x65537.
TEST(ImageFile, ReadsOs2Bitmaps) {
    const std::vector<std::uint8_t> bmp = {'B', 'M', 34, 0, 0, 0, 0, 0, 0, 0, 26, 0, 0, 0,  // file header
                                           12, 0, 0, 0, 2, 0, 1, 0, 1, 0, 24, 0,            // 2x1, 24 bits
                                           255, 0, 0, 0, 0, 255, 0, 0};                     // blue, red, padding
    const cv::Mat image = decode_image(bmp, "os2.bmp");
    ASSERT_EQ(image.size(), cv::Size(2, 1));
    EXPECT_EQ(image.at<cv::Vec3b>(0, 0), cv::Vec3b(255, 0, 0));
    EXPECT_EQ(image.at<cv::Vec3b>(0, 1), cv::Vec3b(0, 0, 255));
}

TEST(ImageFile, LimitsAreConfigurable) {
    ImageLimits limits;
    limits.max_side = 200;
    EXPECT_THROW((void)load_image(test::testdata_dir() / "facerec_obama_small.jpg", limits), InputError);
}

}  // namespace
}  // namespace facemix
