#include "support/broken_images.h"

#include "support/test_data.h"

#include <array>
#include <fstream>
#include <stdexcept>

#include <opencv2/imgcodecs.hpp>
#include <zlib.h>

namespace facemix::test {
namespace {

void put_be32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

void put_png_chunk(std::vector<std::uint8_t>& out, const char* type, const std::vector<std::uint8_t>& data) {
    put_be32(out, static_cast<std::uint32_t>(data.size()));
    const std::size_t type_at = out.size();
    out.insert(out.end(), type, type + 4);
    out.insert(out.end(), data.begin(), data.end());
    const auto crc = ::crc32(0, out.data() + type_at, static_cast<uInt>(4 + data.size()));
    put_be32(out, static_cast<std::uint32_t>(crc));
}

std::vector<std::uint8_t> encode(const cv::Mat& image, const std::string& extension) {
    std::vector<std::uint8_t> bytes;
    if (!cv::imencode(extension, image, bytes)) throw std::runtime_error("cannot encode test image");
    return bytes;
}

std::vector<std::uint8_t> slice(const std::vector<std::uint8_t>& bytes, double fraction) {
    return {bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(static_cast<double>(bytes.size()) * fraction)};
}

cv::Mat sample_photo() {
    cv::Mat image(240, 320, CV_8UC3);
    cv::randu(image, 0, 256);
    return image;
}

}  // namespace

void write_bytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::vector<std::uint8_t> png_declaring(std::uint32_t width, std::uint32_t height) {
    std::vector<std::uint8_t> out = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    std::vector<std::uint8_t> header;
    put_be32(header, width);
    put_be32(header, height);
    for (std::uint8_t field : {8, 2, 0, 0, 0}) header.push_back(field);  // 8-bit RGB, no interlace
    put_png_chunk(out, "IHDR", header);
    put_png_chunk(out, "IDAT", {0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
    put_png_chunk(out, "IEND", {});
    return out;
}

std::vector<std::uint8_t> jpeg_with_exif_orientation(const cv::Mat& image, int orientation) {
    const std::vector<std::uint8_t> jpeg = encode(image, ".jpg");
    // APP1: "Exif\0\0", big-endian TIFF header, one IFD with one SHORT entry (0x0112 Orientation).
    const std::vector<std::uint8_t> exif = {
        'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8,  // TIFF header, IFD at 8
        0, 1,                                                       // one entry
        0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, static_cast<std::uint8_t>(orientation), 0, 0,
        0, 0, 0, 0};  // no next IFD
    std::vector<std::uint8_t> out = {0xFF, 0xD8, 0xFF, 0xE1};
    const std::size_t length = exif.size() + 2;
    out.push_back(static_cast<std::uint8_t>(length >> 8));
    out.push_back(static_cast<std::uint8_t>(length & 0xFF));
    out.insert(out.end(), exif.begin(), exif.end());
    out.insert(out.end(), jpeg.begin() + 2, jpeg.end());  // everything after SOI
    return out;
}

std::vector<std::pair<std::filesystem::path, std::string>> write_broken_image_corpus(const std::filesystem::path& dir) {
    const cv::Mat photo = sample_photo();
    const auto jpeg = encode(photo, ".jpg");
    const auto png = encode(photo, ".png");

    std::vector<std::pair<std::filesystem::path, std::string>> corpus;
    const auto add = [&](const std::string& name, const std::vector<std::uint8_t>& bytes, const std::string& why) {
        write_bytes(dir / name, bytes);
        corpus.emplace_back(dir / name, why);
    };
    add("empty.jpg", {}, "zero bytes");
    add("truncated_half.jpg", slice(jpeg, 0.5), "JPEG cut in half");
    add("truncated_header.jpg", slice(jpeg, 0.01), "JPEG cut inside its header");
    add("truncated_half.png", slice(png, 0.5), "PNG cut in half");
    add("truncated_signature.png", slice(png, 0.003), "PNG cut inside its signature");
    std::vector<std::uint8_t> corrupt_png = png;
    for (std::size_t i = 60; i < corrupt_png.size() - 20; i += 7) corrupt_png[i] ^= 0x5A;
    add("corrupt_data.png", corrupt_png, "PNG with garbled compressed data");
    std::vector<std::uint8_t> corrupt_jpeg(jpeg.begin(), jpeg.begin() + 4);
    corrupt_jpeg.insert(corrupt_jpeg.end(), 300, 0xAB);
    corrupt_jpeg.push_back(0xFF);
    corrupt_jpeg.push_back(0xD9);
    add("garbage_after_soi.jpg", corrupt_jpeg, "JPEG start marker followed by garbage");
    const std::string text = "this is not an image, just text in a file named like one\n";
    add("text.jpg", {text.begin(), text.end()}, "text file with an image extension");
    std::vector<std::uint8_t> random(4096);
    for (std::size_t i = 0; i < random.size(); ++i) random[i] = static_cast<std::uint8_t>((i * 2654435761u) >> 13);
    add("random.png", random, "random bytes");
    add("huge.png", png_declaring(40000, 40000), "PNG header declaring 40000x40000");
    add("zero_width.png", png_declaring(0, 100), "PNG header declaring zero width");
    add("overflow.png", png_declaring(0xFFFFFFFF, 0xFFFFFFFF), "PNG header declaring 2^32-1 squared");
    std::vector<std::uint8_t> huge_jpeg = jpeg;
    for (std::size_t i = 2; i + 9 < huge_jpeg.size(); ++i)
        if (huge_jpeg[i] == 0xFF && huge_jpeg[i + 1] == 0xC0) {  // SOF0: height and width at +5 and +7
            huge_jpeg[i + 5] = 0xFF, huge_jpeg[i + 6] = 0xF0, huge_jpeg[i + 7] = 0xFF, huge_jpeg[i + 8] = 0xF0;
            break;
        }
    add("huge.jpg", huge_jpeg, "JPEG frame header declaring 65520x65520");
    std::filesystem::create_directory(dir / "folder.jpg");
    corpus.emplace_back(dir / "folder.jpg", "a folder named like an image");
    corpus.emplace_back(dir / "missing.jpg", "a file that does not exist");
    return corpus;
}

}  // namespace facemix::test
