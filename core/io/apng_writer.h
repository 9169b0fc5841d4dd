#pragma once

#include "io/png_file.h"

#include <cstdint>
#include <filesystem>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace facemix {

// Animated PNG (APNG): every frame full size, shown for its delay, looping forever. Browsers and
// most viewers play it; a viewer that knows only PNG shows frame 0, so that frame is always a
// sensible still. Interpolation sweeps between two faces or backgrounds are written this way.
//
// Frames are 8-bit grey, BGR or BGRA (OpenCV's order), all of one size and type. A delay is in
// milliseconds, 0 to 655350 (stored exactly up to 65535 ms, in hundredths of a second above).
// `texts` go into the file as in encode_png. Throws std::invalid_argument for no frames, frames that
// differ in size or type, a delay out of range, or what encode_png refuses.
std::vector<std::uint8_t> encode_apng(const std::vector<cv::Mat>& frames, const std::vector<int>& delays_ms,
                                      const PngTexts& texts = {});

// The same delay for every frame.
std::vector<std::uint8_t> encode_apng(const std::vector<cv::Mat>& frames, int delay_ms, const PngTexts& texts = {});

// encode_apng, written so that `path` holds either the complete new file or what it held before.
// Throws std::runtime_error naming the path when the file cannot be written.
void write_apng_atomic(const std::filesystem::path& path, const std::vector<cv::Mat>& frames,
                       const std::vector<int>& delays_ms, const PngTexts& texts = {});
void write_apng_atomic(const std::filesystem::path& path, const std::vector<cv::Mat>& frames, int delay_ms,
                       const PngTexts& texts = {});

}  // namespace facemix
