// fuzz-sources: core/io/png_chunks.cpp
// Feeds arbitrary bytes, as a whole file, to the PNG chunk walker and text-chunk field parser that
// read_png_text runs before any decompression (zlib stays out: tools/fuzz.sh links no libraries).
// Refusing the bytes with InputError is the expected outcome; anything else is a bug.

#include "io/png_chunks.h"

#include "common/error.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace {

bool inside(std::span<const std::uint8_t> part, const std::uint8_t* data, std::size_t size) {
    return part.empty() || (part.data() >= data && part.data() + part.size() <= data + size);
}

// Random mutations almost never keep a CRC right, so the input is also parsed with every CRC made
// right, which lets the fuzzer reach the text-chunk fields behind the check.
std::vector<std::uint8_t> with_crcs_repaired(const std::uint8_t* data, std::size_t size) {
    std::vector<std::uint8_t> copy(data, data + size);
    for (std::size_t at = 8; at + 12 <= size;) {
        const std::uint32_t length = facemix::read_be32(copy, at);
        if (length > size - at - 12) break;
        const std::string_view type(reinterpret_cast<const char*>(copy.data() + at + 4), 4);
        const std::uint32_t crc = facemix::png_crc(type, std::span(copy).subspan(at + 8, length));
        for (int i = 0; i < 4; ++i) copy[at + 8 + length + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(crc >> (24 - 8 * i));
        at += 12 + std::size_t{length};
    }
    return copy;
}

void parse(const std::uint8_t* data, std::size_t size) {
    try {
        const auto chunks = facemix::split_png_chunks(std::span(data, size), "fuzz.png");
        if (chunks.empty() || chunks.front().type != "IHDR" || chunks.back().type != "IEND") __builtin_trap();
        for (const auto& chunk : chunks)
            if (!inside(chunk.data, data, size)) __builtin_trap();
        for (const auto& text : facemix::png_text_chunks(chunks, "fuzz.png")) {
            if (!inside(text.text, data, size)) __builtin_trap();
            if (text.keyword.empty() || !facemix::is_valid_utf8(text.keyword)) __builtin_trap();
            if (!text.compressed && !facemix::is_valid_utf8(facemix::png_text_as_utf8(text.text))) __builtin_trap();
        }
    } catch (const facemix::InputError&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    parse(data, size);
    const auto repaired = with_crcs_repaired(data, size);
    parse(repaired.data(), repaired.size());
    return 0;
}
