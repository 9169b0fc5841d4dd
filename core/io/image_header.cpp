#include "io/image_header.h"

#include "common/error.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

namespace facemix {
namespace {

using Bytes = std::span<const std::uint8_t>;

bool starts_with(Bytes bytes, std::string_view magic, std::size_t offset = 0) {
    return bytes.size() >= offset + magic.size() &&
           std::equal(magic.begin(), magic.end(), bytes.begin() + static_cast<std::ptrdiff_t>(offset),
                      [](char m, std::uint8_t b) { return static_cast<std::uint8_t>(m) == b; });
}

std::uint32_t be16(Bytes b, std::size_t at) { return (std::uint32_t{b[at]} << 8) | b[at + 1]; }
std::uint32_t be32(Bytes b, std::size_t at) { return (be16(b, at) << 16) | be16(b, at + 2); }
std::uint32_t le16(Bytes b, std::size_t at) { return std::uint32_t{b[at]} | (std::uint32_t{b[at + 1]} << 8); }
std::uint32_t le24(Bytes b, std::size_t at) { return le16(b, at) | (std::uint32_t{b[at + 2]} << 16); }
std::uint32_t le32(Bytes b, std::size_t at) { return le16(b, at) | (le16(b, at + 2) << 16); }

void need(Bytes bytes, std::size_t size, ImageFormat format) {
    if (bytes.size() < size)
        throw InputError("the " + std::string(format_name(format)) + " header is cut short");
}

ImageHeader png_header(Bytes b) {
    need(b, 24, ImageFormat::Png);
    if (!starts_with(b, "IHDR", 12)) throw InputError("the PNG file does not start with an IHDR chunk");
    return {ImageFormat::Png, be32(b, 16), be32(b, 20)};
}

bool is_jpeg_sof(std::uint8_t marker) {
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

ImageHeader jpeg_header(Bytes b) {
    std::size_t at = 2;
    while (true) {
        while (at < b.size() && b[at] != 0xFF) ++at;  // tolerate junk between segments
        while (at < b.size() && b[at] == 0xFF) ++at;  // fill bytes
        need(b, at + 1, ImageFormat::Jpeg);
        const std::uint8_t marker = b[at++];
        if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue;
        if (marker == 0xD9 || marker == 0xDA) throw InputError("the JPEG file has no frame header before its image data");
        need(b, at + 2, ImageFormat::Jpeg);
        const std::uint32_t length = be16(b, at);
        if (length < 2) throw InputError("the JPEG file has a malformed segment");
        if (is_jpeg_sof(marker)) {
            need(b, at + 7, ImageFormat::Jpeg);
            return {ImageFormat::Jpeg, be16(b, at + 5), be16(b, at + 3)};
        }
        at += length;
    }
}

ImageHeader bmp_header(Bytes b) {
    need(b, 26, ImageFormat::Bmp);
    // OS/2's 12-byte header has 16-bit sizes; every later one 32-bit sizes, the height negative for top-down rows.
    if (le32(b, 14) == 12) return {ImageFormat::Bmp, le16(b, 18), le16(b, 20)};
    const auto width = static_cast<std::int32_t>(le32(b, 18));
    const auto height = static_cast<std::int32_t>(le32(b, 22));
    return {ImageFormat::Bmp, std::abs(std::int64_t{width}), std::abs(std::int64_t{height})};
}

ImageHeader webp_header(Bytes b) {
    need(b, 30, ImageFormat::Webp);
    if (starts_with(b, "VP8X", 12)) return {ImageFormat::Webp, le24(b, 24) + 1, le24(b, 27) + 1};
    if (starts_with(b, "VP8L", 12)) {
        const std::uint32_t bits = le32(b, 21);
        return {ImageFormat::Webp, (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1};
    }
    if (starts_with(b, "VP8 ", 12)) return {ImageFormat::Webp, le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF};
    throw InputError("the WebP file has an unknown chunk layout");
}

// The first image's size in the first directory (IFD), the one decoders read; an IFD entry is tag,
// type, count and a value that SHORT and LONG sizes hold inline.
ImageHeader tiff_header(Bytes b) {
    const bool big_endian = b[0] == 'M';
    const auto u16 = [&](std::size_t at) { return big_endian ? be16(b, at) : le16(b, at); };
    const auto u32 = [&](std::size_t at) { return big_endian ? be32(b, at) : le32(b, at); };
    need(b, 8, ImageFormat::Tiff);
    const std::size_t directory = u32(4);
    need(b, directory + 2, ImageFormat::Tiff);
    const std::size_t entries = u16(directory);
    need(b, directory + 2 + 12 * entries, ImageFormat::Tiff);
    std::optional<std::int64_t> width, height;
    for (std::size_t i = 0; i < entries; ++i) {
        const std::size_t at = directory + 2 + 12 * i;
        const std::uint32_t tag = u16(at), type = u16(at + 2);
        if (tag != 256 && tag != 257) continue;
        if (type != 3 && type != 4) throw InputError("the TIFF file gives its size in a malformed field");
        auto& size = tag == 256 ? width : height;
        // Decoders disagree on which of two keeps (libtiff the first), so the header check cannot know.
        if (size) throw InputError("the TIFF file declares its size twice");
        size = type == 3 ? u16(at + 8) : u32(at + 8);
    }
    if (!width || !height) throw InputError("the TIFF file does not declare its size");
    return {ImageFormat::Tiff, *width, *height};
}

// PNM's header is text: the magic, then width and height as decimals between blanks and # comments.
// Read as OpenCV's decoder reads it, which takes the byte that ends a number as its separator whatever
// it is: in "919#9\n4" the height is 9, not 4 after a comment.
ImageHeader pnm_header(Bytes b) {
    std::size_t at = 2;
    const auto number = [&] {
        while (true) {
            need(b, at + 1, ImageFormat::Pnm);
            if (b[at] == '#') {
                while (at < b.size() && b[at] != '\n' && b[at] != '\r') ++at;
            } else if (b[at] == ' ' || (b[at] >= '\t' && b[at] <= '\r')) {
                ++at;
            } else {
                break;
            }
        }
        if (b[at] < '0' || b[at] > '9') throw InputError("the PNM header does not declare its size");
        // Saturates rather than overflows: anything this large is refused as too large anyway.
        constexpr std::int64_t saturated = std::int64_t{1} << 40;
        std::int64_t value = 0;
        for (; at < b.size() && b[at] >= '0' && b[at] <= '9'; ++at) value = std::min(saturated, value * 10 + (b[at] - '0'));
        ++at;  // the separator
        return value;
    };
    const std::int64_t width = number();
    const std::int64_t height = number();
    return {ImageFormat::Pnm, width, height};
}

bool png_chunks_complete(Bytes b) {
    std::size_t at = 8;
    while (at + 12 <= b.size()) {
        const std::uint64_t length = be32(b, at);
        if (starts_with(b, "IEND", at + 4)) return true;
        at += 12 + length;
    }
    return false;
}

bool jpeg_has_end_marker(Bytes b) {
    // Entropy-coded data stuffs every 0xFF with 0x00, so FF D9 after the first scan header can only
    // be the end-of-image marker.
    const std::array<std::uint8_t, 2> sos{0xFF, 0xDA};
    const std::array<std::uint8_t, 2> eoi{0xFF, 0xD9};
    const auto scan = std::search(b.begin(), b.end(), sos.begin(), sos.end());
    return scan != b.end() && std::search(scan, b.end(), eoi.begin(), eoi.end()) != b.end();
}

}  // namespace

std::string_view format_name(ImageFormat format) {
    switch (format) {
        case ImageFormat::Jpeg: return "JPEG";
        case ImageFormat::Png: return "PNG";
        case ImageFormat::Bmp: return "BMP";
        case ImageFormat::Webp: return "WebP";
        case ImageFormat::Tiff: return "TIFF";
        case ImageFormat::Pnm: return "PNM";
        case ImageFormat::Unknown: break;
    }
    return "unknown";
}

ImageFormat sniff_image_format(Bytes b) {
    if (starts_with(b, "\xFF\xD8\xFF")) return ImageFormat::Jpeg;
    if (starts_with(b, "\x89PNG\r\n\x1A\n")) return ImageFormat::Png;
    if (starts_with(b, "BM") && b.size() >= 26) return ImageFormat::Bmp;
    if (starts_with(b, "RIFF") && starts_with(b, "WEBP", 8)) return ImageFormat::Webp;
    if (starts_with(b, std::string_view("II*\0", 4)) || starts_with(b, std::string_view("MM\0*", 4))) return ImageFormat::Tiff;
    if (b.size() >= 2 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6') return ImageFormat::Pnm;
    return ImageFormat::Unknown;
}

std::optional<ImageHeader> read_image_header(Bytes bytes) {
    switch (sniff_image_format(bytes)) {
        case ImageFormat::Png: return png_header(bytes);
        case ImageFormat::Jpeg: return jpeg_header(bytes);
        case ImageFormat::Bmp: return bmp_header(bytes);
        case ImageFormat::Webp: return webp_header(bytes);
        case ImageFormat::Tiff: return tiff_header(bytes);
        case ImageFormat::Pnm: return pnm_header(bytes);
        case ImageFormat::Unknown: break;
    }
    return std::nullopt;
}

bool image_stream_complete(ImageFormat format, Bytes bytes) {
    switch (format) {
        case ImageFormat::Png: return png_chunks_complete(bytes);
        case ImageFormat::Jpeg: return jpeg_has_end_marker(bytes);
        default: return true;
    }
}

}  // namespace facemix
