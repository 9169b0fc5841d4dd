#pragma once

#include <filesystem>
#include <span>
#include <string_view>

namespace facemix {

// Replaces `path` with `data` atomically: a reader (or a crash) sees the old file or the new one,
// never a half-written one. Throws std::runtime_error naming the path on any I/O failure.
void write_file_atomic(const std::filesystem::path& path, std::span<const unsigned char> data);
void write_file_atomic(const std::filesystem::path& path, std::string_view text);

}  // namespace facemix
