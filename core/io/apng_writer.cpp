#include "io/apng_writer.h"

#include "io/atomic_file.h"
#include "io/png_chunks.h"

#include <stdexcept>
#include <string>

namespace facemix {
namespace {

// libpng has no APNG support in Debian, so each frame is encoded as a PNG of its own and its image
// data re-chunked: frame 0 keeps its IDAT chunks (what plain PNG readers show), later frames' IDAT
// data move into fdAT chunks, which add a sequence number in front.

void append_be16(std::vector<std::uint8_t>& out, std::uint16_t value) {
    out.push_back(static_cast<std::uint8_t>(value >> 8));
    out.push_back(static_cast<std::uint8_t>(value));
}

struct Delay {
    std::uint16_t numerator = 0;
    std::uint16_t denominator = 1000;
};

Delay delay_fraction(int milliseconds) {
    if (milliseconds < 0 || milliseconds > 655350)
        throw std::invalid_argument("an APNG frame delay is 0 to 655350 ms, not " + std::to_string(milliseconds));
    if (milliseconds <= 65535) return {static_cast<std::uint16_t>(milliseconds), 1000};
    return {static_cast<std::uint16_t>((milliseconds + 5) / 10), 100};
}

// The frame control chunk: the frame covers the whole canvas, the canvas is not cleared after it
// (dispose none) and the frame replaces what was there, alpha included (blend source).
std::vector<std::uint8_t> frame_control(std::uint32_t sequence, const cv::Mat& frame, Delay delay) {
    std::vector<std::uint8_t> data;
    append_be32(data, sequence);
    append_be32(data, static_cast<std::uint32_t>(frame.cols));
    append_be32(data, static_cast<std::uint32_t>(frame.rows));
    append_be32(data, 0);  // x offset
    append_be32(data, 0);  // y offset
    append_be16(data, delay.numerator);
    append_be16(data, delay.denominator);
    data.push_back(0);  // APNG_DISPOSE_OP_NONE
    data.push_back(0);  // APNG_BLEND_OP_SOURCE
    return data;
}

}  // namespace

std::vector<std::uint8_t> encode_apng(const std::vector<cv::Mat>& frames, const std::vector<int>& delays_ms,
                                      const PngTexts& texts) {
    if (frames.empty()) throw std::invalid_argument("an APNG needs at least one frame");
    if (delays_ms.size() != frames.size())
        throw std::invalid_argument("an APNG needs one delay per frame (" + std::to_string(frames.size()) + " frames, " +
                                    std::to_string(delays_ms.size()) + " delays)");
    for (const cv::Mat& frame : frames)
        if (frame.size() != frames.front().size() || frame.type() != frames.front().type())
            throw std::invalid_argument("the frames of an APNG must all have one size and type");
    std::vector<Delay> delays;
    for (const int ms : delays_ms) delays.push_back(delay_fraction(ms));

    std::vector<std::uint8_t> out(kPngSignature.begin(), kPngSignature.end());
    std::uint32_t sequence = 0;
    for (std::size_t i = 0; i < frames.size(); ++i) {
        const std::vector<std::uint8_t> png = encode_png(frames[i], i == 0 ? texts : PngTexts{});
        const std::string name = "APNG frame " + std::to_string(i);
        if (i > 0) append_png_chunk(out, "fcTL", frame_control(sequence++, frames[i], delays[i]));
        for (const PngChunk& chunk : split_png_chunks(png, name)) {
            if (i == 0) {
                if (chunk.type == "IEND") continue;
                if (chunk.type == "IDAT" && sequence == 0)
                    append_png_chunk(out, "fcTL", frame_control(sequence++, frames[i], delays[i]));
                append_png_chunk(out, chunk.type, chunk.data);
                if (chunk.type == "IHDR") {
                    std::vector<std::uint8_t> animation;
                    append_be32(animation, static_cast<std::uint32_t>(frames.size()));
                    append_be32(animation, 0);  // plays: 0 loops forever
                    append_png_chunk(out, "acTL", animation);
                }
            } else if (chunk.type == "IDAT") {
                std::vector<std::uint8_t> data;
                data.reserve(4 + chunk.data.size());
                append_be32(data, sequence++);
                data.insert(data.end(), chunk.data.begin(), chunk.data.end());
                append_png_chunk(out, "fdAT", data);
            }
        }
    }
    append_png_chunk(out, "IEND", {});
    return out;
}

std::vector<std::uint8_t> encode_apng(const std::vector<cv::Mat>& frames, int delay_ms, const PngTexts& texts) {
    return encode_apng(frames, std::vector<int>(frames.size(), delay_ms), texts);
}

void write_apng_atomic(const std::filesystem::path& path, const std::vector<cv::Mat>& frames,
                       const std::vector<int>& delays_ms, const PngTexts& texts) {
    write_file_atomic(path, encode_apng(frames, delays_ms, texts));
}

void write_apng_atomic(const std::filesystem::path& path, const std::vector<cv::Mat>& frames, int delay_ms,
                       const PngTexts& texts) {
    write_file_atomic(path, encode_apng(frames, delay_ms, texts));
}

}  // namespace facemix
