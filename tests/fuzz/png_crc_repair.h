#pragma once

// Random mutations almost never keep a PNG chunk's CRC right, so targets that read PNG files also
// parse each input with every CRC made right, which lets the fuzzer reach what lies behind the check.

#include "io/png_chunks.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace facemix::fuzz {

inline std::vector<std::uint8_t> with_crcs_repaired(const std::uint8_t* data, std::size_t size) {
    std::vector<std::uint8_t> copy(data, data + size);
    for (std::size_t at = 8; at + 12 <= size;) {
        const std::uint32_t length = read_be32(copy, at);
        if (length > size - at - 12) break;
        const std::string_view type(reinterpret_cast<const char*>(copy.data() + at + 4), 4);
        const std::uint32_t crc = png_crc(type, std::span(copy).subspan(at + 8, length));
        for (int i = 0; i < 4; ++i) copy[at + 8 + length + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(crc >> (24 - 8 * i));
        at += 12 + std::size_t{length};
    }
    return copy;
}

}  // namespace facemix::fuzz
