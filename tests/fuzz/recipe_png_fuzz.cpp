// fuzz-sources: core/io/png_file.cpp core/io/png_chunks.cpp core/io/atomic_file.cpp core/io/os_error.cpp core/mix/recipe.cpp core/io/base64.cpp core/io/json_error.cpp
// fuzz-packages: libpng zlib opencv4
// Feeds arbitrary bytes, as a whole file, to what `facemix replay` does with a PNG: its text chunks
// read and decompressed (zTXt, compressed iTXt) under the text cap, then the recipe among them.
// A recipe or an InputError are the only outcomes.

#include "common/error.h"
#include "io/png_file.h"
#include "mix/recipe.h"
#include "png_crc_repair.h"

#include <cstddef>
#include <cstdint>
#include <span>

namespace {

void replay_reads(std::span<const std::uint8_t> file) {
    try {
        facemix::recipe_from_png_texts(facemix::parse_png_text(file, "fuzz.png"), "fuzz.png");
    } catch (const facemix::InputError&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    replay_reads(std::span(data, size));
    replay_reads(facemix::fuzz::with_crcs_repaired(data, size));
    return 0;
}
