// fuzz-sources: core/io/image_file.cpp core/io/image_header.cpp core/io/atomic_file.cpp core/io/os_error.cpp
// fuzz-packages: opencv4
// Feeds arbitrary bytes, as a whole file, to decode_image: format sniffing, the declared size checked
// against the limits before any decoder runs, truncation, then OpenCV's decoders. An 8-bit BGR image
// within the limits or an InputError are the only outcomes. The limits are small so that each run is
// fast and a size the header check lets through by mistake shows as a decoder's allocation.

#include "common/error.h"
#include "io/image_file.h"

#include <cstddef>
#include <cstdint>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    facemix::ImageLimits limits;
    limits.max_side = 1024;
    limits.max_pixels = 1 << 18;
    try {
        const cv::Mat image = facemix::decode_image(std::span(data, size), "fuzz.image", limits);
        if (image.type() != CV_8UC3 || image.cols > limits.max_side || image.rows > limits.max_side ||
            std::int64_t{image.cols} * image.rows > limits.max_pixels)
            __builtin_trap();
    } catch (const facemix::InputError&) {
    }
    return 0;
}
