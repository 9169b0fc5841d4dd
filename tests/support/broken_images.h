#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace facemix::test {

void write_bytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes);

// A valid PNG signature and IHDR chunk declaring width x height, followed by a tiny IDAT and IEND: what
// an attacker needs to make a naive decoder allocate width*height*3 bytes.
std::vector<std::uint8_t> png_declaring(std::uint32_t width, std::uint32_t height);

// `image` encoded as JPEG with an APP1/Exif segment carrying the given orientation tag (1-8).
std::vector<std::uint8_t> jpeg_with_exif_orientation(const cv::Mat& image, int orientation);

// Writes files that must all be refused by the image loader (zero-byte, truncated, corrupt, not an
// image, absurd declared sizes, a folder) and returns each path with a word on why it is broken.
std::vector<std::pair<std::filesystem::path, std::string>> write_broken_image_corpus(const std::filesystem::path& dir);

}  // namespace facemix::test
