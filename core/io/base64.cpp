#include "io/base64.h"

#include <array>

#include "common/error.h"

namespace facemix {

namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int, 256> decoding_table() {
    std::array<int, 256> table{};
    table.fill(-1);
    for (std::size_t i = 0; i < kAlphabet.size(); ++i) table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int>(i);
    return table;
}

}  // namespace

std::string base64_encode(const std::uint8_t* data, std::size_t size) {
    std::string text;
    text.reserve((size + 2) / 3 * 4);
    for (std::size_t i = 0; i < size; i += 3) {
        const std::uint32_t chunk = (std::uint32_t{data[i]} << 16) | (i + 1 < size ? std::uint32_t{data[i + 1]} << 8 : 0) |
                                    (i + 2 < size ? std::uint32_t{data[i + 2]} : 0);
        text += kAlphabet[(chunk >> 18) & 63];
        text += kAlphabet[(chunk >> 12) & 63];
        text += i + 1 < size ? kAlphabet[(chunk >> 6) & 63] : '=';
        text += i + 2 < size ? kAlphabet[chunk & 63] : '=';
    }
    return text;
}

std::vector<std::uint8_t> base64_decode(std::string_view text, const std::string& what) {
    static constexpr std::array<int, 256> table = decoding_table();
    if (text.size() % 4 != 0) throw InputError(what + " is not valid base64 (its length is not a multiple of 4).");
    std::vector<std::uint8_t> bytes;
    bytes.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        const int pad = last ? (text[i + 3] == '=') + (text[i + 2] == '=') : 0;
        std::uint32_t chunk = 0;
        for (std::size_t k = 0; k < 4; ++k) {
            const int value = k >= 4 - static_cast<std::size_t>(pad) ? 0 : table[static_cast<unsigned char>(text[i + k])];
            if (value < 0) throw InputError(what + " is not valid base64.");
            chunk = (chunk << 6) | static_cast<std::uint32_t>(value);
        }
        bytes.push_back(static_cast<std::uint8_t>(chunk >> 16));
        if (pad < 2) bytes.push_back(static_cast<std::uint8_t>(chunk >> 8));
        if (pad < 1) bytes.push_back(static_cast<std::uint8_t>(chunk));
    }
    return bytes;
}

}  // namespace facemix
