#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace facemix {

// The PNG chunk layer, without zlib or libpng, so the parts that face hostile files can be fuzzed on
// their own: splitting a file into checked chunks, writing chunks with their CRCs, and taking the
// fields of text chunks apart. Decompression lives in png_file.cpp.

inline constexpr std::array<std::uint8_t, 8> kPngSignature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

struct PngChunk {
    std::string_view type;            // four ASCII letters, e.g. "IHDR"; points into the file
    std::span<const std::uint8_t> data;
};

// Splits a whole PNG file into its chunks, IHDR first and IEND last (anything after IEND is ignored).
// Refuses with an InputError naming `name` a missing signature, a chunk running past the end of the
// file (a truncated file or a huge declared length), a malformed type, a wrong CRC and a missing IEND.
std::vector<PngChunk> split_png_chunks(std::span<const std::uint8_t> file, const std::string& name);

// The CRC-32 of PNG (ISO 3309), over the chunk type and data.
std::uint32_t png_crc(std::string_view type, std::span<const std::uint8_t> data);

// Appends length, type, data and CRC. Throws std::length_error if data exceeds the 2^31-1 bytes a chunk may hold.
void append_png_chunk(std::vector<std::uint8_t>& out, std::string_view type, std::span<const std::uint8_t> data);

void append_be32(std::vector<std::uint8_t>& out, std::uint32_t value);
std::uint32_t read_be32(std::span<const std::uint8_t> bytes, std::size_t at);

// The fields of one tEXt, zTXt or iTXt chunk. `text` is still compressed when `compressed` is set
// (zlib, the only method PNG defines) and is Latin-1 for tEXt/zTXt, UTF-8 for iTXt.
struct PngTextChunk {
    std::string keyword;  // as UTF-8
    std::span<const std::uint8_t> text;
    bool compressed = false;
    bool utf8 = false;
};

// The text chunks of a file split by split_png_chunks, in file order. A text chunk whose fields are
// malformed (no keyword terminator, unknown compression method) is refused with an InputError naming `name`.
std::vector<PngTextChunk> png_text_chunks(const std::vector<PngChunk>& chunks, const std::string& name);

// Text from a PNG chunk as UTF-8. Bytes that are valid UTF-8 are kept as they are, because many
// writers put UTF-8 into tEXt although the format says Latin-1; anything else is read as Latin-1,
// which is what tEXt and zTXt are defined to hold (and what A1111 writes through PIL).
std::string png_text_as_utf8(std::span<const std::uint8_t> bytes);

bool is_valid_utf8(std::string_view text);

}  // namespace facemix
