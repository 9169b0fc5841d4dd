#include "io/png_file.h"

#include "common/error.h"
#include "io/atomic_file.h"
#include "io/png_chunks.h"

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include <png.h>
#include <zlib.h>

namespace facemix {
namespace {

// Values at least this long are compressed: short ones stay readable in any hex viewer and tool.
constexpr std::size_t kCompressFrom = 1024;

// A PNG bigger than this is not one facemix wrote or could decode (see ImageLimits).
constexpr std::uintmax_t kMaxPngFileBytes = 512ull << 20;

void check_keyword(const std::string& keyword) {
    const bool printable = std::all_of(keyword.begin(), keyword.end(), [](char c) { return c >= 32 && c <= 126; });
    if (keyword.empty() || keyword.size() > 79 || !printable || keyword.front() == ' ' || keyword.back() == ' ' ||
        keyword.find("  ") != std::string::npos)
        throw std::invalid_argument("\"" + keyword + "\" is not a PNG text keyword (1-79 printable ASCII characters)");
}

void check_value(const std::string& keyword, const std::string& value) {
    if (value.find('\0') != std::string::npos)
        throw std::invalid_argument("the PNG text \"" + keyword + "\" contains a NUL byte");
    if (!is_valid_utf8(value)) throw std::invalid_argument("the PNG text \"" + keyword + "\" is not UTF-8");
}

bool is_ascii(const std::string& text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

struct EncodeState {
    std::vector<std::uint8_t>* out = nullptr;
    char error[256] = {};
};

void on_png_error(png_structp png, png_const_charp message) {
    auto* state = static_cast<EncodeState*>(png_get_error_ptr(png));
    std::snprintf(state->error, sizeof state->error, "%s", message);
    png_longjmp(png, 1);
}

void on_png_warning(png_structp, png_const_charp) {}

void on_png_write(png_structp png, png_bytep data, std::size_t length) {
    auto* state = static_cast<EncodeState*>(png_get_io_ptr(png));
    bool grown = true;
    try {
        state->out->insert(state->out->end(), data, data + length);
    } catch (const std::bad_alloc&) {
        grown = false;
    }
    // Leaves libpng by longjmp only after the try block is over, so no C++ frame is skipped.
    if (!grown) png_error(png, "out of memory");
}

void on_png_flush(png_structp) {}

// All libpng calls, in a frame that holds no C++ object with a destructor, because libpng reports
// errors by longjmp back to the setjmp here. Returns false with state.error set on failure.
bool encode_with_libpng(const cv::Mat& image, png_textp texts, int text_count, EncodeState& state) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &state, on_png_error, on_png_warning);
    if (!png) return false;
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, nullptr);
        return false;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return false;
    }
    png_set_write_fn(png, &state, on_png_write, on_png_flush);
    const int colour = image.channels() == 1   ? PNG_COLOR_TYPE_GRAY
                       : image.channels() == 3 ? PNG_COLOR_TYPE_RGB
                                               : PNG_COLOR_TYPE_RGB_ALPHA;
    png_set_IHDR(png, info, static_cast<png_uint_32>(image.cols), static_cast<png_uint_32>(image.rows), 8, colour,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (text_count > 0) png_set_text(png, info, texts, text_count);
    png_write_info(png, info);
    if (image.channels() >= 3) png_set_bgr(png);
    for (int y = 0; y < image.rows; ++y) png_write_row(png, image.ptr<png_byte>(y));
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return true;
}

// Inflates one compressed text, refusing output beyond `budget` bytes.
std::string inflate_text(std::span<const std::uint8_t> compressed, std::size_t budget, const std::string& name,
                         const std::string& keyword) {
    z_stream stream{};
    if (inflateInit(&stream) != Z_OK) throw std::bad_alloc();
    stream.next_in = const_cast<Bytef*>(compressed.data());
    stream.avail_in = static_cast<uInt>(compressed.size());  // a chunk is under 2^31 bytes
    std::string text;
    std::uint8_t buffer[65536];
    int status = Z_OK;
    while (status == Z_OK) {
        stream.next_out = buffer;
        stream.avail_out = sizeof buffer;
        status = inflate(&stream, Z_NO_FLUSH);
        const std::size_t produced = sizeof buffer - stream.avail_out;
        if (text.size() + produced > budget) {
            inflateEnd(&stream);
            throw InputError(name + ": the PNG file holds more than " + std::to_string(kMaxPngTextBytes >> 20) +
                             " MiB of text");
        }
        text.append(reinterpret_cast<const char*>(buffer), produced);
        // Out of input before the end of the stream: Z_BUF_ERROR, or Z_OK with nothing left to read.
        if (status == Z_OK && stream.avail_in == 0 && produced < sizeof buffer) status = Z_BUF_ERROR;
    }
    inflateEnd(&stream);
    if (status != Z_STREAM_END)
        throw InputError(name + ": the PNG text \"" + keyword + "\" is corrupt and cannot be decompressed");
    return text;
}

std::vector<std::uint8_t> read_file(const std::filesystem::path& path) {
    const std::string name = path.string();
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    if (error || !std::filesystem::exists(status)) throw InputError(name + ": no such file");
    if (std::filesystem::is_directory(status)) throw InputError(name + ": is a folder, not a PNG file");
    const auto size = std::filesystem::file_size(path, error);
    if (error) throw InputError(name + ": cannot be read (" + error.message() + ")");
    if (size > kMaxPngFileBytes)
        throw InputError(name + ": the file is " + std::to_string(size >> 20) + " MiB, more than the " +
                         std::to_string(kMaxPngFileBytes >> 20) + " MiB a PNG file may take");
    std::ifstream in(path, std::ios::binary);
    std::vector<std::uint8_t> bytes(size);
    if (!in || !in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size)))
        throw InputError(name + ": cannot be read");
    return bytes;
}

}  // namespace

std::vector<std::uint8_t> encode_png(const cv::Mat& image, const PngTexts& texts) {
    if (image.empty() || image.depth() != CV_8U || image.dims != 2 ||
        (image.channels() != 1 && image.channels() != 3 && image.channels() != 4))
        throw std::invalid_argument("encode_png takes a non-empty 8-bit grey, BGR or BGRA image");
    std::vector<png_text> entries;
    entries.reserve(texts.size());
    for (const auto& [keyword, value] : texts) {
        check_keyword(keyword);
        check_value(keyword, value);
        png_text entry{};
        const bool compress = value.size() >= kCompressFrom;
        // tEXt and zTXt are Latin-1, and ASCII is the part of it that reads the same as UTF-8.
        if (is_ascii(value))
            entry.compression = compress ? PNG_TEXT_COMPRESSION_zTXt : PNG_TEXT_COMPRESSION_NONE;
        else
            entry.compression = compress ? PNG_ITXT_COMPRESSION_zTXt : PNG_ITXT_COMPRESSION_NONE;
        entry.key = const_cast<char*>(keyword.c_str());
        entry.text = const_cast<char*>(value.c_str());
        entry.text_length = value.size();
        entries.push_back(entry);
    }
    std::vector<std::uint8_t> out;
    std::size_t text_bytes = 0;
    for (const auto& [keyword, value] : texts) text_bytes += keyword.size() + value.size();
    out.reserve(image.total() * image.elemSize() / 2 + text_bytes + 1024);
    EncodeState state;
    state.out = &out;
    if (!encode_with_libpng(image, entries.data(), static_cast<int>(entries.size()), state))
        throw std::runtime_error(std::string("cannot encode a PNG image: ") +
                                 (state.error[0] ? state.error : "libpng could not start"));
    return out;
}

void write_png_atomic(const std::filesystem::path& path, const cv::Mat& image, const PngTexts& texts) {
    write_file_atomic(path, encode_png(image, texts));
}

std::map<std::string, std::string> parse_png_text(std::span<const std::uint8_t> file, const std::string& name) {
    const std::vector<PngChunk> chunks = split_png_chunks(file, name);
    std::map<std::string, std::string> texts;
    std::size_t total = 0;
    const auto too_much = [&] {
        return InputError(name + ": the PNG file holds more than " + std::to_string(kMaxPngTextBytes >> 20) +
                          " MiB of text");
    };
    for (const PngTextChunk& chunk : png_text_chunks(chunks, name)) {
        if (!chunk.compressed && chunk.text.size() > kMaxPngTextBytes - total) throw too_much();
        std::string value = chunk.compressed ? inflate_text(chunk.text, kMaxPngTextBytes - total, name, chunk.keyword)
                                             : png_text_as_utf8(chunk.text);
        if (chunk.compressed) value = png_text_as_utf8({reinterpret_cast<const std::uint8_t*>(value.data()), value.size()});
        total += chunk.keyword.size() + value.size();
        if (total > kMaxPngTextBytes) throw too_much();
        texts.emplace(chunk.keyword, std::move(value));
    }
    return texts;
}

std::map<std::string, std::string> read_png_text(const std::filesystem::path& path) {
    return parse_png_text(read_file(path), path.string());
}

}  // namespace facemix
