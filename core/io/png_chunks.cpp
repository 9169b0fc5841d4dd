#include "io/png_chunks.h"

#include "common/error.h"

#include <algorithm>
#include <stdexcept>

namespace facemix {
namespace {

using Bytes = std::span<const std::uint8_t>;

// The PNG specification caps a chunk length at 2^31-1 bytes.
constexpr std::uint32_t kMaxChunkLength = 0x7FFFFFFFu;

constexpr std::array<std::uint32_t, 256> make_crc_table() {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t n = 0; n < 256; ++n) {
        std::uint32_t c = n;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[n] = c;
    }
    return table;
}

constexpr auto kCrcTable = make_crc_table();

std::uint32_t crc_update(std::uint32_t crc, Bytes bytes) {
    for (const std::uint8_t b : bytes) crc = kCrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
    return crc;
}

bool is_letter(std::uint8_t c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

std::string describe_type(std::string_view type) {
    std::string printable;
    for (const char c : type) printable += is_letter(static_cast<std::uint8_t>(c)) ? c : '?';
    return printable;
}

// The position of the first zero byte at or after `from`, or npos.
std::size_t find_zero(Bytes bytes, std::size_t from) {
    const auto it = std::find(bytes.begin() + static_cast<std::ptrdiff_t>(std::min(from, bytes.size())), bytes.end(), 0);
    return it == bytes.end() ? std::string::npos : static_cast<std::size_t>(it - bytes.begin());
}

PngTextChunk parse_text_chunk(const PngChunk& chunk, const std::string& name) {
    const Bytes data = chunk.data;
    const auto malformed = [&](const char* why) {
        return InputError(name + ": the PNG " + std::string(chunk.type) + " text chunk is malformed (" + why + ")");
    };
    const std::size_t keyword_end = find_zero(data, 0);
    if (keyword_end == std::string::npos) throw malformed("its keyword has no terminator");
    if (keyword_end == 0 || keyword_end > 79) throw malformed("its keyword is not 1 to 79 bytes long");
    PngTextChunk text;
    text.keyword = png_text_as_utf8(data.first(keyword_end));
    std::size_t at = keyword_end + 1;
    if (chunk.type == "tEXt") {
        text.text = data.subspan(at);
    } else if (chunk.type == "zTXt") {
        if (at >= data.size()) throw malformed("it has no compression method");
        if (data[at] != 0) throw malformed("its compression method is not zlib");
        text.compressed = true;
        text.text = data.subspan(at + 1);
    } else {  // iTXt
        if (at + 2 > data.size()) throw malformed("it has no compression fields");
        const std::uint8_t flag = data[at];
        const std::uint8_t method = data[at + 1];
        if (flag > 1) throw malformed("its compression flag is neither 0 nor 1");
        if (flag == 1 && method != 0) throw malformed("its compression method is not zlib");
        at += 2;
        const std::size_t language_end = find_zero(data, at);
        if (language_end == std::string::npos) throw malformed("its language tag has no terminator");
        const std::size_t translated_end = find_zero(data, language_end + 1);
        if (translated_end == std::string::npos) throw malformed("its translated keyword has no terminator");
        text.compressed = flag == 1;
        text.utf8 = true;
        text.text = data.subspan(translated_end + 1);
    }
    return text;
}

}  // namespace

void append_be32(std::vector<std::uint8_t>& out, std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
}

std::uint32_t read_be32(Bytes bytes, std::size_t at) {
    return (std::uint32_t{bytes[at]} << 24) | (std::uint32_t{bytes[at + 1]} << 16) | (std::uint32_t{bytes[at + 2]} << 8) |
           std::uint32_t{bytes[at + 3]};
}

std::uint32_t png_crc(std::string_view type, Bytes data) {
    std::uint32_t crc = 0xFFFFFFFFu;
    crc = crc_update(crc, Bytes(reinterpret_cast<const std::uint8_t*>(type.data()), type.size()));
    crc = crc_update(crc, data);
    return crc ^ 0xFFFFFFFFu;
}

void append_png_chunk(std::vector<std::uint8_t>& out, std::string_view type, Bytes data) {
    if (type.size() != 4) throw std::invalid_argument("a PNG chunk type has four letters");
    if (data.size() > kMaxChunkLength) throw std::length_error("a PNG chunk holds at most 2^31-1 bytes");
    append_be32(out, static_cast<std::uint32_t>(data.size()));
    out.insert(out.end(), type.begin(), type.end());
    out.insert(out.end(), data.begin(), data.end());
    append_be32(out, png_crc(type, data));
}

std::vector<PngChunk> split_png_chunks(Bytes file, const std::string& name) {
    if (file.size() < kPngSignature.size() || !std::equal(kPngSignature.begin(), kPngSignature.end(), file.begin()))
        throw InputError(name + ": not a PNG file (the PNG signature is missing)");
    std::vector<PngChunk> chunks;
    std::size_t at = kPngSignature.size();
    while (true) {
        // Every comparison is against what is left, so no length, however large, can overflow an offset.
        const std::size_t left = file.size() - at;
        if (left < 12) throw InputError(name + ": the PNG file is truncated (it ends before its IEND chunk)");
        const std::uint32_t length = read_be32(file, at);
        const std::string_view type(reinterpret_cast<const char*>(file.data() + at + 4), 4);
        if (!std::all_of(type.begin(), type.end(), [](char c) { return is_letter(static_cast<std::uint8_t>(c)); }))
            throw InputError(name + ": the PNG file is corrupt (a chunk type is not four letters)");
        if (length > kMaxChunkLength)
            throw InputError(name + ": the PNG file is corrupt (its " + describe_type(type) + " chunk declares " +
                             std::to_string(length) + " bytes)");
        if (length > left - 12)
            throw InputError(name + ": the PNG file is truncated (its " + std::string(type) + " chunk declares " +
                             std::to_string(length) + " bytes but only " + std::to_string(left - 12) + " follow)");
        const Bytes data = file.subspan(at + 8, length);
        if (png_crc(type, data) != read_be32(file, at + 8 + length))
            throw InputError(name + ": the PNG file is corrupt (the CRC of its " + std::string(type) + " chunk is wrong)");
        if (chunks.empty() && type != "IHDR")
            throw InputError(name + ": the PNG file is corrupt (it does not start with an IHDR chunk)");
        chunks.push_back({type, data});
        at += 12 + std::size_t{length};
        if (type == "IEND") return chunks;
    }
}

std::vector<PngTextChunk> png_text_chunks(const std::vector<PngChunk>& chunks, const std::string& name) {
    std::vector<PngTextChunk> texts;
    for (const PngChunk& chunk : chunks)
        if (chunk.type == "tEXt" || chunk.type == "zTXt" || chunk.type == "iTXt")
            texts.push_back(parse_text_chunk(chunk, name));
    return texts;
}

bool is_valid_utf8(std::string_view text) {
    const auto* s = reinterpret_cast<const std::uint8_t*>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        const std::uint8_t c = s[i];
        std::size_t extra = 0;
        std::uint32_t code = 0;
        std::uint32_t min = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            extra = 1, code = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2, code = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3, code = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (n - i <= extra) return false;
        for (std::size_t k = 1; k <= extra; ++k) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
            code = (code << 6) | (s[i + k] & 0x3F);
        }
        // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
        if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
        i += extra + 1;
    }
    return true;
}

std::string png_text_as_utf8(Bytes bytes) {
    const std::string_view raw(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (is_valid_utf8(raw)) return std::string(raw);
    std::string utf8;
    utf8.reserve(bytes.size() + bytes.size() / 2);
    for (const std::uint8_t b : bytes) {
        if (b < 0x80) {
            utf8 += static_cast<char>(b);
        } else {
            utf8 += static_cast<char>(0xC0 | (b >> 6));
            utf8 += static_cast<char>(0x80 | (b & 0x3F));
        }
    }
    return utf8;
}

}  // namespace facemix
