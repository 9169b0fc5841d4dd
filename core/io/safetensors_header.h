#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// The .safetensors header, parsed and validated with nothing but the standard library and
// nlohmann_json, so that a fuzzer can link it alone. Layout of the format: 8 bytes little-endian
// header length N, N bytes of JSON, then the data section that the JSON's byte offsets point into.

namespace facemix {

// The free-form string map stored under "__metadata__".
using TensorMetadata = std::map<std::string, std::string>;

enum class StorageDType { F32, F16, BF16 };

std::size_t dtype_size(StorageDType dtype);
std::string_view dtype_name(StorageDType dtype);  // as the header spells it: "F32", "F16", "BF16"

struct TensorEntry {
    std::string name;
    StorageDType dtype = StorageDType::F32;
    std::vector<std::int64_t> shape;
    std::uint64_t begin = 0;  // byte offsets into the data section, end exclusive
    std::uint64_t end = 0;
};

struct SafetensorsHeader {
    std::vector<TensorEntry> entries;  // in file-header order
    TensorMetadata metadata;
    std::uint64_t data_start = 0;  // file offset of the data section: 8 + the header length
};

// The little-endian header length that opens every file.
inline constexpr std::size_t safetensors_length_field_bytes = 8;

// A header longer than this is refused before anything is allocated for it; real ones are a few
// hundred kilobytes even for models with thousands of tensors.
inline constexpr std::uint64_t max_safetensors_header_bytes = 100'000'000;

// The header length declared by the file's first 8 bytes, checked against the limit and against
// the file size. `file_name` only names the file in error messages.
std::uint64_t read_safetensors_header_length(std::span<const std::uint8_t> first_bytes, std::uint64_t file_size,
                                             std::string_view file_name);

// Parses and validates the JSON header (the `header_length` bytes after the first 8) of a file of
// `file_size` bytes: every entry an F32/F16/BF16 tensor whose shape matches its byte range, every
// range inside the data section, no two ranges overlapping, metadata a string-to-string map.
// Throws InputError, one sentence naming the file (and the tensor), for anything else.
SafetensorsHeader parse_safetensors_header(std::string_view json, std::uint64_t file_size, std::string_view file_name);

// Both steps over the start of a file (at least its first 8 + header-length bytes).
SafetensorsHeader parse_safetensors_file_start(std::span<const std::uint8_t> file_start, std::uint64_t file_size,
                                               std::string_view file_name);

}  // namespace facemix
