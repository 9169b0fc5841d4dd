// fuzz-sources: core/io/safetensors_header.cpp
// Feeds arbitrary bytes, as a whole file, to the safetensors header parser. Refusing them with
// InputError is the expected outcome; any other exception, crash or sanitizer report is a bug.
// The body has no parser of its own: SafetensorsFile::tensor copies each entry's byte range into a
// tensor of its shape, so what is checked here is that the range lies in the file and fits the shape.

#include "io/safetensors_header.h"

#include "common/error.h"

#include <cstddef>
#include <cstdint>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto header = facemix::parse_safetensors_file_start(std::span(data, size), size, "fuzz.safetensors");
        // What the reader relies on: every range lies inside the input.
        for (const auto& entry : header.entries) {
            if (entry.begin > entry.end || header.data_start + entry.end > size) __builtin_trap();
            unsigned __int128 bytes = facemix::dtype_size(entry.dtype);
            for (const std::int64_t dim : entry.shape) bytes *= static_cast<std::uint64_t>(dim);
            if (bytes != entry.end - entry.begin) __builtin_trap();
        }
    } catch (const facemix::InputError&) {
    }
    return 0;
}
