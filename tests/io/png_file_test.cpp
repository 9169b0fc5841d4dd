#include "common/error.h"
#include "io/png_file.h"
#include "support/broken_images.h"
#include "support/test_data.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <zlib.h>

namespace facemix {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

// An independent chunk reader for the tests (zlib's CRC, not the one under test).
struct RawChunk {
    std::string type;
    Bytes data;
};

std::uint32_t be32(const Bytes& b, std::size_t at) {
    return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) | (std::uint32_t{b[at + 2]} << 8) | b[at + 3];
}

void put_be32(Bytes& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

std::vector<RawChunk> raw_chunks(const Bytes& png) {
    std::vector<RawChunk> chunks;
    for (std::size_t at = 8; at + 12 <= png.size();) {
        const std::uint32_t length = be32(png, at);
        RawChunk chunk{std::string(png.begin() + static_cast<std::ptrdiff_t>(at + 4), png.begin() + static_cast<std::ptrdiff_t>(at + 8)),
                       Bytes(png.begin() + static_cast<std::ptrdiff_t>(at + 8), png.begin() + static_cast<std::ptrdiff_t>(at + 8 + length))};
        EXPECT_EQ(be32(png, at + 8 + length), ::crc32(0, png.data() + at + 4, 4 + length)) << chunk.type;
        chunks.push_back(chunk);
        at += 12 + length;
    }
    return chunks;
}

Bytes chunk_bytes(const std::string& type, const Bytes& data) {
    // Sized up front: GCC 12 at -O3 mistakes growing an empty vector by insert for an overread.
    Bytes out(8 + data.size());
    const auto length = static_cast<std::uint32_t>(data.size());
    for (int i = 0; i < 4; ++i) out[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(length >> (24 - 8 * i));
    std::copy(type.begin(), type.end(), out.begin() + 4);
    std::copy(data.begin(), data.end(), out.begin() + 8);
    put_be32(out, static_cast<std::uint32_t>(::crc32(0, out.data() + 4, static_cast<uInt>(4 + data.size()))));
    return out;
}

Bytes bytes_of(std::string_view text) { return Bytes(text.begin(), text.end()); }

Bytes zlib_compress(const Bytes& data) {
    uLongf size = ::compressBound(static_cast<uLong>(data.size()));
    Bytes out(size);
    EXPECT_EQ(::compress2(out.data(), &size, data.data(), static_cast<uLong>(data.size()), 9), Z_OK);
    out.resize(size);
    return out;
}

// A plain PNG from OpenCV with extra chunks inserted before IEND.
Bytes opencv_png_with(const std::vector<Bytes>& extra_chunks) {
    cv::Mat image(6, 5, CV_8UC3, cv::Scalar(10, 20, 30));
    Bytes png;
    EXPECT_TRUE(cv::imencode(".png", image, png));
    const Bytes iend = chunk_bytes("IEND", {});
    png.resize(png.size() - iend.size());
    for (const Bytes& chunk : extra_chunks) png.insert(png.end(), chunk.begin(), chunk.end());
    png.insert(png.end(), iend.begin(), iend.end());
    return png;
}

Bytes text_chunk_data(std::string_view keyword, const Bytes& rest) {
    Bytes data = bytes_of(keyword);
    data.push_back(0);
    data.insert(data.end(), rest.begin(), rest.end());
    return data;
}

cv::Mat noise_image(int rows, int cols, int type) {
    cv::Mat image(rows, cols, type);
    cv::randu(image, 0, 256);
    return image;
}

std::string big_json(std::size_t bytes, std::string_view face = "Zoë ✓") {
    std::string json = "{\"cells\":[";
    for (int i = 0; json.size() < bytes; ++i)
        json += (i ? "," : "") + std::string("{\"seed\":") + std::to_string(i * 7919) + ",\"face\":\"" + std::string(face) + "\",\"cfg\":3.5}";
    return json + "]}";
}

void expect_input_error_naming(const Bytes& file, const std::string& name) {
    try {
        (void)parse_png_text(file, name);
        ADD_FAILURE() << "accepted";
    } catch (const InputError& error) {
        const std::string message = error.what();
        EXPECT_EQ(message.rfind(name, 0), 0u) << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
}

std::vector<fs::path> listing(const fs::path& dir) {
    std::vector<fs::path> names;
    for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename());
    std::sort(names.begin(), names.end());
    return names;
}

TEST(PngFile, TextsAndPixelsRoundTrip) {
    test::TempDir dir;
    const cv::Mat image = noise_image(23, 37, CV_8UC3);
    const std::string json = big_json(1 << 20);
    const PngTexts texts = {{"parameters", "a portrait\nSteps: 20, Sampler: DDIM, CFG scale: 3, Seed: 42"},
                            {"Comment", "Zoë ✓ — 顔"},
                            {"facemix", json}};
    const fs::path path = dir.path() / "cell.png";
    write_png_atomic(path, image, texts);

    const auto read = read_png_text(path);
    ASSERT_EQ(read.size(), 3u);
    for (const auto& [keyword, value] : texts) EXPECT_EQ(read.at(keyword), value) << keyword;

    const cv::Mat decoded = cv::imread(path.string(), cv::IMREAD_UNCHANGED);
    ASSERT_EQ(decoded.type(), CV_8UC3);
    EXPECT_EQ(cv::norm(decoded, image, cv::NORM_INF), 0.0) << "pixels changed (channel order?)";
    EXPECT_EQ(listing(dir.path()), std::vector<fs::path>{"cell.png"}) << "a temporary file was left behind";
}

// A1111 and every PNG viewer read tEXt; only text that is not ASCII needs iTXt. The 1 MB recipe is compressed.
TEST(PngFile, ChoosesTheChunkTypeByContent) {
    const std::string json = big_json(1 << 20, "Zoe");
    const Bytes png = encode_png(noise_image(4, 4, CV_8UC3), {{"parameters", "Steps: 20"}, {"Comment", "Zoë"}, {"facemix", json}});
    std::map<std::string, std::string> types;
    std::size_t idat_at = 0;
    const auto chunks = raw_chunks(png);
    for (std::size_t i = 0; i < chunks.size(); ++i) {
        const auto& chunk = chunks[i];
        if (chunk.type == "IDAT" && !idat_at) idat_at = i;
        if (chunk.type == "tEXt" || chunk.type == "zTXt" || chunk.type == "iTXt") {
            const std::string keyword(reinterpret_cast<const char*>(chunk.data.data()));
            types[keyword] = chunk.type;
            EXPECT_EQ(idat_at, 0u) << keyword << " comes after the image data";
        }
    }
    EXPECT_EQ(types["parameters"], "tEXt");
    EXPECT_EQ(types["Comment"], "iTXt");
    EXPECT_EQ(types["facemix"], "zTXt");
    EXPECT_LT(png.size(), json.size() / 4) << "the long text is not compressed";
}

TEST(PngFile, LongUtf8TextIsCompressedItxt) {
    const std::string json = big_json(200000);
    const Bytes png = encode_png(noise_image(3, 3, CV_8UC3), {{"facemix", json}});
    EXPECT_LT(png.size(), json.size() / 4);
    EXPECT_EQ(parse_png_text(png, "mem.png").at("facemix"), json);
}

TEST(PngFile, GreyAndAlphaImagesRoundTrip) {
    for (const int type : {CV_8UC1, CV_8UC4}) {
        const cv::Mat image = noise_image(9, 14, type);
        const Bytes png = encode_png(image, {{"k", "v"}});
        const cv::Mat decoded = cv::imdecode(png, cv::IMREAD_UNCHANGED);
        ASSERT_EQ(decoded.type(), type);
        EXPECT_EQ(cv::norm(decoded, image, cv::NORM_INF), 0.0);
    }
}

TEST(PngFile, ReadsTextWrittenByOtherTools) {
    // A1111 (through PIL) writes its parameters as Latin-1 tEXt; others use zTXt and compressed iTXt.
    const Bytes png = opencv_png_with({
        chunk_bytes("tEXt", text_chunk_data("parameters", bytes_of("Zo\xEB, Steps: 20"))),
        chunk_bytes("zTXt", text_chunk_data("Software", [] {
                        Bytes rest{0};
                        const Bytes packed = zlib_compress(bytes_of("caf\xE9 writer"));
                        rest.insert(rest.end(), packed.begin(), packed.end());
                        return rest;
                    }())),
        chunk_bytes("iTXt", text_chunk_data("prompt", [] {
                        Bytes rest{1, 0};
                        for (const char c : std::string_view("en\0Prompt\0", 10)) rest.push_back(static_cast<std::uint8_t>(c));
                        const Bytes packed = zlib_compress(bytes_of("{\"text\": \"✓ 顔\"}"));
                        rest.insert(rest.end(), packed.begin(), packed.end());
                        return rest;
                    }())),
        chunk_bytes("iTXt", text_chunk_data("plain", {0, 0, 0, 0, 'o', 'k'})),
        chunk_bytes("tEXt", text_chunk_data("utf8 in tEXt", bytes_of("Zoë"))),
        chunk_bytes("tEXt", text_chunk_data("parameters", bytes_of("second one loses"))),
    });
    const auto texts = parse_png_text(png, "a1111.png");
    EXPECT_EQ(texts.at("parameters"), "Zoë, Steps: 20");
    EXPECT_EQ(texts.at("Software"), "café writer");
    EXPECT_EQ(texts.at("prompt"), "{\"text\": \"✓ 顔\"}");
    EXPECT_EQ(texts.at("plain"), "ok");
    EXPECT_EQ(texts.at("utf8 in tEXt"), "Zoë");
    EXPECT_EQ(texts.size(), 5u);
}

TEST(PngFile, PlainPngHasNoText) {
    EXPECT_TRUE(parse_png_text(opencv_png_with({}), "plain.png").empty());
}

TEST(PngFile, EveryTruncationIsAnInputError) {
    const Bytes png = encode_png(noise_image(5, 5, CV_8UC3), {{"parameters", "Steps: 20"}, {"facemix", big_json(3000)}});
    for (std::size_t size = 0; size < png.size(); ++size) {
        SCOPED_TRACE(size);
        expect_input_error_naming(Bytes(png.begin(), png.begin() + static_cast<std::ptrdiff_t>(size)), "cut.png");
    }
}

TEST(PngFile, EveryFlippedByteIsAnInputError) {
    const Bytes png = encode_png(noise_image(5, 5, CV_8UC3), {{"parameters", "Steps: 20"}});
    for (std::size_t at = 0; at < png.size(); ++at) {
        SCOPED_TRACE(at);
        Bytes corrupt = png;
        corrupt[at] ^= 0x20;
        expect_input_error_naming(corrupt, "flipped.png");
    }
}

TEST(PngFile, HugeDeclaredChunkLengthsAreRefused) {
    for (const std::uint32_t length : {0x7FFFFFF0u, 0x80000000u, 0xFFFFFFFFu, 0xFFFFFFF4u}) {
        Bytes png = opencv_png_with({chunk_bytes("tEXt", text_chunk_data("k", bytes_of("v")))});
        const std::string_view view(reinterpret_cast<const char*>(png.data()), png.size());
        const std::size_t text_at = view.find("tEXt") - 4;
        for (int i = 0; i < 4; ++i) png[text_at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(length >> (24 - 8 * i));
        expect_input_error_naming(png, "huge.png");
    }
}

TEST(PngFile, MalformedTextChunksAreRefused) {
    const Bytes bad_zlib = text_chunk_data("k", {0, 0x78, 0x9C, 0xFF, 0xFF, 0x00});
    Bytes cut_zlib = text_chunk_data("k", {0});
    const Bytes packed = zlib_compress(bytes_of(std::string(500, 'a')));
    cut_zlib.insert(cut_zlib.end(), packed.begin(), packed.begin() + static_cast<std::ptrdiff_t>(packed.size() / 2));
    const std::vector<std::pair<Bytes, std::string>> cases = {
        {chunk_bytes("tEXt", bytes_of("no terminator")), "keyword without NUL"},
        {chunk_bytes("tEXt", text_chunk_data("", bytes_of("v"))), "empty keyword"},
        {chunk_bytes("tEXt", text_chunk_data(std::string(80, 'k'), bytes_of("v"))), "keyword of 80 bytes"},
        {chunk_bytes("zTXt", bad_zlib), "corrupt zlib"},
        {chunk_bytes("zTXt", cut_zlib), "zlib stream cut short"},
        {chunk_bytes("zTXt", text_chunk_data("k", {1, 0x78, 0x9C})), "unknown compression method"},
        {chunk_bytes("iTXt", text_chunk_data("k", {2, 0, 0, 0})), "iTXt compression flag 2"},
        {chunk_bytes("iTXt", text_chunk_data("k", {0, 0, 'e', 'n'})), "iTXt without language terminator"},
        {chunk_bytes("iTXt", text_chunk_data("k", {0, 0, 0, 'x'})), "iTXt without translated keyword terminator"},
    };
    for (const auto& [chunk, why] : cases) {
        SCOPED_TRACE(why);
        expect_input_error_naming(opencv_png_with({chunk}), "text.png");
    }
}

// 20 MiB of zeros compress to about 20 KB: a small file must not inflate into unbounded memory.
TEST(PngFile, TextBeyondTheCapIsRefused) {
    Bytes rest{0};
    const Bytes packed = zlib_compress(Bytes(20u << 20, 'x'));
    ASSERT_LT(packed.size(), 100000u);
    rest.insert(rest.end(), packed.begin(), packed.end());
    try {
        (void)parse_png_text(opencv_png_with({chunk_bytes("zTXt", text_chunk_data("bomb", rest))}), "bomb.png");
        FAIL() << "accepted";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("16 MiB of text"), std::string::npos) << error.what();
    }
    // Many chunks each under the cap add up.
    std::vector<Bytes> chunks;
    const Bytes five_mib = zlib_compress(Bytes(5u << 20, 'y'));
    for (int i = 0; i < 4; ++i) {
        Bytes data{0};
        data.insert(data.end(), five_mib.begin(), five_mib.end());
        chunks.push_back(chunk_bytes("zTXt", text_chunk_data("k" + std::to_string(i), data)));
    }
    EXPECT_THROW((void)parse_png_text(opencv_png_with(chunks), "many.png"), InputError);
}

TEST(PngFile, FilesThatAreNotPngsAreInputErrors) {
    test::TempDir dir;
    EXPECT_THROW((void)read_png_text(dir.path() / "missing.png"), InputError);
    EXPECT_THROW((void)read_png_text(dir.path()), InputError);
    test::write_bytes(dir.path() / "empty.png", {});
    EXPECT_THROW((void)read_png_text(dir.path() / "empty.png"), InputError);
    Bytes jpeg;
    ASSERT_TRUE(cv::imencode(".jpg", noise_image(8, 8, CV_8UC3), jpeg));
    test::write_bytes(dir.path() / "photo.png", jpeg);
    try {
        (void)read_png_text(dir.path() / "photo.png");
        FAIL() << "accepted";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find((dir.path() / "photo.png").string()), std::string::npos);
    }
    // A PNG whose first chunk is not IHDR.
    Bytes no_header(8);
    std::memcpy(no_header.data(), "\x89PNG\r\n\x1A\n", 8);
    const Bytes iend = chunk_bytes("IEND", {});
    no_header.insert(no_header.end(), iend.begin(), iend.end());
    expect_input_error_naming(no_header, "headless.png");
}

TEST(PngFile, RefusesWhatPngCannotCarry) {
    const cv::Mat image = noise_image(2, 2, CV_8UC3);
    for (const std::string& keyword :
         std::vector<std::string>{"", " lead", "trail ", "two  spaces", std::string(80, 'k'), "tab\there", "Zoë"})
        EXPECT_THROW((void)encode_png(image, {{keyword, "v"}}), std::invalid_argument) << keyword;
    EXPECT_THROW((void)encode_png(image, {{"k", std::string("a\0b", 3)}}), std::invalid_argument);
    EXPECT_THROW((void)encode_png(image, {{"k", "\xFF\xFE"}}), std::invalid_argument);
    EXPECT_THROW((void)encode_png(cv::Mat(2, 2, CV_32FC3), {}), std::invalid_argument);
    EXPECT_THROW((void)encode_png(cv::Mat(2, 2, CV_8UC2), {}), std::invalid_argument);
    EXPECT_THROW((void)encode_png(cv::Mat(), {}), std::invalid_argument);
    EXPECT_NO_THROW((void)encode_png(image, {{std::string(79, 'k'), ""}}));
}

TEST(PngFile, FailedWritesLeaveNothingBehind) {
    test::TempDir dir;
    const fs::path existing = dir.path() / "existing.png";
    const cv::Mat old_image(4, 4, CV_8UC3, cv::Scalar(1, 2, 3));
    write_png_atomic(existing, old_image, {{"version", "old"}});
    const auto before = listing(dir.path());

    // Encoding fails: the old file stays as it was.
    EXPECT_THROW(write_png_atomic(existing, cv::Mat(4, 4, CV_32FC3), {{"version", "new"}}), std::invalid_argument);
    EXPECT_THROW(write_png_atomic(existing, old_image, {{"bad  keyword", "new"}}), std::invalid_argument);
    // The target is a folder: renaming over it fails after the data were written to a temporary file.
    fs::create_directory(dir.path() / "folder.png");
    EXPECT_THROW(write_png_atomic(dir.path() / "folder.png", old_image), std::runtime_error);
    EXPECT_TRUE(fs::is_directory(dir.path() / "folder.png"));
    EXPECT_TRUE(fs::is_empty(dir.path() / "folder.png"));
    // The folder does not exist.
    EXPECT_THROW(write_png_atomic(dir.path() / "no" / "such.png", old_image), std::runtime_error);

    auto expected = before;
    expected.push_back("folder.png");
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(listing(dir.path()), expected) << "a temporary file was left behind";
    EXPECT_EQ(read_png_text(existing).at("version"), "old");
    EXPECT_EQ(cv::norm(cv::imread(existing.string()), old_image, cv::NORM_INF), 0.0);

    // And a successful write replaces the file whole.
    write_png_atomic(existing, noise_image(4, 4, CV_8UC3), {{"version", "new"}});
    EXPECT_EQ(read_png_text(existing).at("version"), "new");
    EXPECT_EQ(listing(dir.path()), expected);
}

}  // namespace
}  // namespace facemix
