// fuzz-sources: core/io/png_chunks.cpp
// Feeds arbitrary bytes, as a whole file, to the PNG chunk walker and text-chunk field parser that
// read_png_text runs before any decompression (recipe_png_fuzz covers the decompression behind it).
// Refusing the bytes with InputError is the expected outcome; anything else is a bug.

#include "io/png_chunks.h"
#include "png_crc_repair.h"

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
    const auto repaired = facemix::fuzz::with_crcs_repaired(data, size);
    parse(repaired.data(), repaired.size());
    return 0;
}
