#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include <opencv2/core/mat.hpp>

namespace facemix {

// Bounds on what a photo may cost before it is decoded. They are checked against the file's
// header, so an absurd declared size is refused in microseconds without allocating anything.
struct ImageLimits {
    std::int64_t max_side = 16384;
    std::int64_t max_pixels = 120'000'000;
    std::uintmax_t max_file_bytes = 512ull << 20;
};

// Reads a photo as 8-bit BGR, EXIF orientation applied, alpha dropped, grey expanded to 3 channels.
// Every failure (missing, empty, not an image, truncated, corrupt, too large) is an InputError whose
// message starts with the file name.
cv::Mat load_image(const std::filesystem::path& path, const ImageLimits& limits = {});

// The same, from bytes already in memory (a pasted image); `name` is used in messages.
cv::Mat decode_image(std::span<const std::uint8_t> bytes, const std::string& name, const ImageLimits& limits = {});

// Writes an image so that `path` holds either the complete new file or nothing new: the data go to
// a temporary file beside it which is renamed into place only after a successful flush.
void write_image_atomic(const std::filesystem::path& path, const cv::Mat& image);

}  // namespace facemix
