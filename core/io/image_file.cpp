#include "io/image_file.h"

#include "common/error.h"
#include "io/atomic_file.h"
#include "io/image_header.h"

#include <fstream>
#include <vector>

#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace facemix {
namespace {

std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path, const ImageLimits& limits) {
    const std::string name = path.string();
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    if (error || !std::filesystem::exists(status)) throw InputError(name + ": no such file");
    if (std::filesystem::is_directory(status)) throw InputError(name + ": is a folder, not an image");
    const auto size = std::filesystem::file_size(path, error);
    if (error) throw InputError(name + ": cannot be read (" + error.message() + ")");
    if (size == 0) throw InputError(name + ": the file is empty");
    if (size > limits.max_file_bytes)
        throw InputError(name + ": the file is " + std::to_string(size >> 20) + " MiB, more than the " +
                         std::to_string(limits.max_file_bytes >> 20) + " MiB an image may take");
    std::ifstream in(path, std::ios::binary);
    std::vector<std::uint8_t> bytes(size);
    if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size)))
        throw InputError(name + ": cannot be read");
    return bytes;
}

void check_declared_size(const ImageHeader& header, const std::string& name, const ImageLimits& limits) {
    const std::string declared = std::to_string(header.width) + "x" + std::to_string(header.height);
    if (header.width <= 0 || header.height <= 0)
        throw InputError(name + ": the " + std::string(format_name(header.format)) + " header declares an empty image (" +
                         declared + ")");
    if (header.width > limits.max_side || header.height > limits.max_side ||
        header.width * header.height > limits.max_pixels)
        throw InputError(name + ": the image declares " + declared + " pixels, more than the " +
                         std::to_string(limits.max_pixels / 1'000'000) + " megapixels (and " +
                         std::to_string(limits.max_side) + " px per side) facemix accepts");
}

cv::Mat to_bgr8(cv::Mat image) {
    if (image.depth() != CV_8U) image.convertTo(image, CV_8U, image.depth() == CV_16U ? 1.0 / 257.0 : 1.0);
    if (image.channels() == 1) cv::cvtColor(image, image, cv::COLOR_GRAY2BGR);
    if (image.channels() == 4) cv::cvtColor(image, image, cv::COLOR_BGRA2BGR);
    return image;
}

}  // namespace

cv::Mat decode_image(std::span<const std::uint8_t> bytes, const std::string& name, const ImageLimits& limits) {
    if (bytes.empty()) throw InputError(name + ": the file is empty");
    const ImageFormat format = sniff_image_format(bytes);
    if (format == ImageFormat::Unknown)
        throw InputError(name + ": not an image file facemix can read (JPEG, PNG, BMP, WebP, TIFF or PNM)");
    std::optional<ImageHeader> header;
    try {
        header = read_image_header(bytes);
    } catch (const InputError& malformed) {
        throw InputError(name + ": " + malformed.what());
    }
    if (header) check_declared_size(*header, name, limits);
    if (!image_stream_complete(format, bytes))
        throw InputError(name + ": the " + std::string(format_name(format)) + " file is truncated");

    // Decoders report corrupt data through OpenCV's logger as well as through the empty result;
    // the result is what we act on, so the log stays quiet.
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
    cv::Mat image;
    try {
        const cv::Mat encoded(1, static_cast<int>(bytes.size()), CV_8U, const_cast<std::uint8_t*>(bytes.data()));
        image = cv::imdecode(encoded, cv::IMREAD_COLOR);
    } catch (const cv::Exception&) {
        image.release();
    }
    if (image.empty())
        throw InputError(name + ": the " + std::string(format_name(format)) + " data is corrupt and cannot be decoded");
    if (image.cols > limits.max_side || image.rows > limits.max_side ||
        std::int64_t{image.cols} * image.rows > limits.max_pixels)
        throw InputError(name + ": the image is " + std::to_string(image.cols) + "x" + std::to_string(image.rows) +
                         " pixels, more than facemix accepts");
    return to_bgr8(image);
}

cv::Mat load_image(const std::filesystem::path& path, const ImageLimits& limits) {
    return decode_image(read_bytes(path, limits), path.string(), limits);
}

void write_image_atomic(const std::filesystem::path& path, const cv::Mat& image) {
    std::vector<std::uint8_t> encoded;
    const std::string extension = path.extension().string();
    if (!cv::imencode(extension.empty() ? ".png" : extension, image, encoded))
        throw std::runtime_error("cannot encode " + path.string());
    write_file_atomic(path, encoded);
}

}  // namespace facemix
