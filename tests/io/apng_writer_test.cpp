#include "io/apng_writer.h"
#include "io/png_file.h"
#include "support/test_data.h"

#include <algorithm>
#include <cstdlib>
#include <numeric>
#include <string>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <zlib.h>

namespace facemix {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

std::uint32_t be32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}
std::uint32_t be16(const std::uint8_t* p) { return (std::uint32_t{p[0]} << 8) | p[1]; }

// What the test reads back from an APNG, with its own chunk walker (zlib's CRC) and PNG unfilter,
// independent of the writer.
struct FrameControl {
    std::uint32_t sequence, width, height, x, y, delay_num, delay_den, dispose, blend;
};

struct Apng {
    std::vector<std::string> chunk_order;
    std::uint32_t width = 0, height = 0;
    std::uint32_t num_frames = 0, num_plays = 0;
    std::vector<FrameControl> controls;
    std::vector<std::uint32_t> sequence;  // of fcTL and fdAT, in file order
    std::vector<Bytes> frame_data;        // the zlib stream of each frame
};

Apng parse_apng(const Bytes& png) {
    Apng apng;
    EXPECT_EQ(Bytes(png.begin(), png.begin() + 8), Bytes({0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}));
    for (std::size_t at = 8; at + 12 <= png.size();) {
        const std::uint32_t length = be32(&png[at]);
        const std::string type(png.begin() + static_cast<std::ptrdiff_t>(at + 4), png.begin() + static_cast<std::ptrdiff_t>(at + 8));
        const std::uint8_t* data = &png[at + 8];
        EXPECT_LE(at + 12 + length, png.size());
        EXPECT_EQ(be32(data + length), ::crc32(0, &png[at + 4], 4 + length)) << type;
        apng.chunk_order.push_back(type);
        if (type == "IHDR") {
            apng.width = be32(data);
            apng.height = be32(data + 4);
        } else if (type == "acTL") {
            EXPECT_EQ(length, 8u);
            apng.num_frames = be32(data);
            apng.num_plays = be32(data + 4);
        } else if (type == "fcTL") {
            EXPECT_EQ(length, 26u);
            apng.controls.push_back({be32(data), be32(data + 4), be32(data + 8), be32(data + 12), be32(data + 16),
                                     be16(data + 20), be16(data + 22), data[24], data[25]});
            apng.sequence.push_back(be32(data));
            apng.frame_data.emplace_back();
        } else if (type == "IDAT") {
            EXPECT_EQ(apng.controls.size(), 1u) << "IDAT belongs to frame 0 only";
            apng.frame_data.back().insert(apng.frame_data.back().end(), data, data + length);
        } else if (type == "fdAT") {
            apng.sequence.push_back(be32(data));
            apng.frame_data.back().insert(apng.frame_data.back().end(), data + 4, data + length);
        }
        at += 12 + length;
    }
    return apng;
}

std::uint8_t paeth(int a, int b, int c) {
    const int p = a + b - c;
    const int pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
    return static_cast<std::uint8_t>(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

// Inflates one frame's zlib stream and undoes the PNG row filters: 8-bit RGB out, as a BGR Mat.
cv::Mat decode_frame(const Bytes& stream, int width, int height) {
    const std::size_t stride = static_cast<std::size_t>(width) * 3;
    Bytes raw(static_cast<std::size_t>(height) * (stride + 1) + 1);
    uLongf size = static_cast<uLongf>(raw.size());
    EXPECT_EQ(::uncompress(raw.data(), &size, stream.data(), static_cast<uLong>(stream.size())), Z_OK);
    EXPECT_EQ(size, static_cast<uLongf>(height) * (stride + 1)) << "the frame data inflate to the wrong size";
    cv::Mat rgb(height, width, CV_8UC3);
    Bytes previous(stride, 0), row(stride);
    for (int y = 0; y < height; ++y) {
        const std::uint8_t* line = &raw[static_cast<std::size_t>(y) * (stride + 1)];
        const std::uint8_t filter = line[0];
        for (std::size_t i = 0; i < stride; ++i) {
            const int a = i >= 3 ? row[i - 3] : 0, b = previous[i], c = i >= 3 ? previous[i - 3] : 0;
            const int predictor = filter == 0 ? 0 : filter == 1 ? a : filter == 2 ? b : filter == 3 ? (a + b) / 2 : paeth(a, b, c);
            row[i] = static_cast<std::uint8_t>(line[1 + i] + predictor);
        }
        EXPECT_LE(filter, 4);
        std::copy(row.begin(), row.end(), rgb.ptr<std::uint8_t>(y));
        previous = row;
    }
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    return bgr;
}

std::vector<cv::Mat> sample_frames(int count, int rows, int cols) {
    std::vector<cv::Mat> frames;
    for (int i = 0; i < count; ++i) {
        cv::Mat frame(rows, cols, CV_8UC3);
        cv::randu(frame, 0, 256);
        frame.row(0).setTo(cv::Scalar(i * 40, 255 - i * 40, 7));  // channel order shows in row 0
        frames.push_back(frame);
    }
    return frames;
}

TEST(ApngWriter, ChunksSequenceAndFramesFollowTheFormat) {
    // 90 x 70 noise compresses poorly, so libpng splits each frame over several 8 KiB IDAT chunks.
    const auto frames = sample_frames(3, 70, 90);
    const Bytes png = encode_apng(frames, {100, 200, 70000}, {{"parameters", "sweep"}});
    const Apng apng = parse_apng(png);

    EXPECT_EQ(apng.width, 90u);
    EXPECT_EQ(apng.height, 70u);
    EXPECT_EQ(apng.num_frames, 3u);
    EXPECT_EQ(apng.num_plays, 0u) << "loops forever";
    ASSERT_GE(apng.chunk_order.size(), 4u);
    EXPECT_EQ(apng.chunk_order.front(), "IHDR");
    EXPECT_EQ(apng.chunk_order.back(), "IEND");
    const auto first = [&](const std::string& type) {
        return std::find(apng.chunk_order.begin(), apng.chunk_order.end(), type) - apng.chunk_order.begin();
    };
    EXPECT_LT(first("acTL"), first("IDAT"));
    EXPECT_LT(first("fcTL"), first("IDAT"));
    EXPECT_LT(first("tEXt"), first("IDAT"));
    EXPECT_GT(std::count(apng.chunk_order.begin(), apng.chunk_order.end(), "fdAT"), 2) << "expected several fdAT per frame";

    std::vector<std::uint32_t> expected_sequence(apng.sequence.size());
    std::iota(expected_sequence.begin(), expected_sequence.end(), 0u);
    EXPECT_EQ(apng.sequence, expected_sequence);

    ASSERT_EQ(apng.controls.size(), 3u);
    const std::uint32_t delays[3][2] = {{100, 1000}, {200, 1000}, {7000, 100}};
    for (std::size_t i = 0; i < 3; ++i) {
        SCOPED_TRACE(i);
        const FrameControl& fc = apng.controls[i];
        EXPECT_EQ(fc.width, 90u);
        EXPECT_EQ(fc.height, 70u);
        EXPECT_EQ(fc.x, 0u);
        EXPECT_EQ(fc.y, 0u);
        EXPECT_EQ(fc.delay_num, delays[i][0]);
        EXPECT_EQ(fc.delay_den, delays[i][1]);
        EXPECT_EQ(fc.dispose, 0u);
        EXPECT_EQ(fc.blend, 0u);
        const cv::Mat decoded = decode_frame(apng.frame_data[i], 90, 70);
        EXPECT_EQ(cv::norm(decoded, frames[i], cv::NORM_INF), 0.0) << "frame " << i << " does not hold its pixels";
    }
}

TEST(ApngWriter, PlainPngReadersSeeFrameZeroAndTheTexts) {
    test::TempDir dir;
    const auto frames = sample_frames(4, 16, 24);
    const fs::path path = dir.path() / "sweep.png";
    write_apng_atomic(path, frames, 125, {{"parameters", "Zoë → background"}});
    const cv::Mat still = cv::imread(path.string(), cv::IMREAD_UNCHANGED);
    ASSERT_FALSE(still.empty());
    EXPECT_EQ(cv::norm(still, frames[0], cv::NORM_INF), 0.0);
    EXPECT_EQ(read_png_text(path).at("parameters"), "Zoë → background");
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator{}), 1) << "temporary file left";
}

TEST(ApngWriter, OneFrameIsAValidAnimation) {
    const auto frames = sample_frames(1, 5, 7);
    const Apng apng = parse_apng(encode_apng(frames, 0));
    EXPECT_EQ(apng.num_frames, 1u);
    ASSERT_EQ(apng.controls.size(), 1u);
    EXPECT_EQ(apng.sequence, std::vector<std::uint32_t>{0});
    EXPECT_EQ(cv::norm(decode_frame(apng.frame_data[0], 7, 5), frames[0], cv::NORM_INF), 0.0);
}

TEST(ApngWriter, RefusesFramesItCannotAnimate) {
    const auto frames = sample_frames(2, 8, 8);
    EXPECT_THROW((void)encode_apng({}, 100), std::invalid_argument);
    EXPECT_THROW((void)encode_apng(frames, std::vector<int>{100}), std::invalid_argument);
    EXPECT_THROW((void)encode_apng(frames, -1), std::invalid_argument);
    EXPECT_THROW((void)encode_apng(frames, 655351), std::invalid_argument);
    EXPECT_THROW((void)encode_apng({frames[0], cv::Mat(8, 9, CV_8UC3, cv::Scalar(0))}, 100), std::invalid_argument);
    EXPECT_THROW((void)encode_apng({frames[0], cv::Mat(8, 8, CV_8UC4, cv::Scalar(0))}, 100), std::invalid_argument);
    EXPECT_NO_THROW((void)encode_apng(frames, 655350));
}

}  // namespace
}  // namespace facemix
