#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace facemix {

// Text chunks to write, in order: keyword (1-79 printable ASCII characters, no leading, trailing or
// double spaces) and a UTF-8 value without NUL bytes. Generated images carry their recipe this way
// (an A1111-style "parameters" entry and a JSON recipe).
using PngTexts = std::vector<std::pair<std::string, std::string>>;

// More text than this in one file is refused when reading, so a small file that inflates to gigabytes
// (a zlib bomb in a zTXt chunk) cannot take the memory.
inline constexpr std::size_t kMaxPngTextBytes = 16u << 20;

// Encodes an 8-bit image (1 channel grey, 3 channels BGR or 4 channels BGRA, OpenCV's order, as
// everywhere in facemix) as PNG with the given text chunks before the image data. ASCII values go into
// tEXt (zTXt when long), which every PNG reader shows; others into iTXt, compressed when long.
// Throws std::invalid_argument for another image type, an invalid keyword or a value that is not UTF-8.
std::vector<std::uint8_t> encode_png(const cv::Mat& image, const PngTexts& texts = {});

// encode_png, written so that `path` holds either the complete new file or what it held before
// (io/atomic_file.h). Throws std::runtime_error naming the path when the file cannot be written.
void write_png_atomic(const std::filesystem::path& path, const cv::Mat& image, const PngTexts& texts = {});

// Every tEXt, zTXt and iTXt chunk of a PNG file in memory, by keyword, values as UTF-8 (Latin-1 text
// converted). When a keyword occurs twice the first one counts. Throws InputError naming `name` for a
// file that is not a complete, intact PNG (truncated, wrong CRC, absurd chunk length, malformed or
// undecompressible text) or that holds more than kMaxPngTextBytes of text.
std::map<std::string, std::string> parse_png_text(std::span<const std::uint8_t> file, const std::string& name);

// parse_png_text over a file on disk; also InputError when it is missing, a folder or unreadable.
std::map<std::string, std::string> read_png_text(const std::filesystem::path& path);

}  // namespace facemix
