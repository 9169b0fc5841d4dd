#pragma once

#include <filesystem>
#include <span>
#include <string_view>

namespace facemix {

// Replaces `path` with `data` atomically: a reader (or a crash) sees the old file or the new one,
// never a half-written one, and a failed write leaves no temporary behind. Throws InputError, one
// sentence naming the path and the reason ("could not write out/x.png: no space left on device."),
// on any I/O failure.
void write_file_atomic(const std::filesystem::path& path, std::span<const unsigned char> data);
void write_file_atomic(const std::filesystem::path& path, std::string_view text);

}  // namespace facemix
