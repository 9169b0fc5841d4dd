#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace facemix {

enum class ImageFormat { Unknown, Jpeg, Png, Bmp, Webp, Tiff, Pnm };

std::string_view format_name(ImageFormat format);

// Identifies an image file by its magic bytes, so non-images are refused before any decoder runs.
ImageFormat sniff_image_format(std::span<const std::uint8_t> bytes);

struct ImageHeader {
    ImageFormat format = ImageFormat::Unknown;
    std::int64_t width = 0;
    std::int64_t height = 0;
};

// Reads the declared size from the header alone. A file may declare 40000x40000 in a few hundred
// bytes; knowing that before decoding is what keeps such a file from taking all memory.
// Returns nullopt for an unknown format.
// Throws InputError when the header is cut short or malformed.
std::optional<ImageHeader> read_image_header(std::span<const std::uint8_t> bytes);

// True when the encoded stream has its terminator (JPEG end-of-image marker, PNG IEND chunk with
// every chunk complete). Decoders fill a truncated image with grey and call it a success; this
// makes a half-downloaded photo an error instead of a silently wrong input.
bool image_stream_complete(ImageFormat format, std::span<const std::uint8_t> bytes);

}  // namespace facemix
