#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace facemix {

std::string base64_encode(const std::uint8_t* data, std::size_t size);
// Throws InputError (naming `what`) on characters outside the standard alphabet or bad padding.
std::vector<std::uint8_t> base64_decode(std::string_view text, const std::string& what);

}  // namespace facemix
