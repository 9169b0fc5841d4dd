#include "io/content_hash.h"

#include <array>
#include <cstdio>
#include <fstream>
#include <vector>

#include <xxhash.h>

#include "common/error.h"

namespace facemix {

ContentHasher::ContentHasher() : state_(XXH3_createState()) { XXH3_128bits_reset(static_cast<XXH3_state_t*>(state_)); }

ContentHasher::~ContentHasher() { XXH3_freeState(static_cast<XXH3_state_t*>(state_)); }

void ContentHasher::update(const void* data, std::size_t size) {
    XXH3_128bits_update(static_cast<XXH3_state_t*>(state_), data, size);
}

std::string ContentHasher::hex_digest() const {
    const XXH128_hash_t hash = XXH3_128bits_digest(static_cast<XXH3_state_t*>(state_));
    std::array<char, 33> text{};
    std::snprintf(text.data(), text.size(), "%016llx%016llx", static_cast<unsigned long long>(hash.high64),
                  static_cast<unsigned long long>(hash.low64));
    return text.data();
}

std::string content_hash(const void* data, std::size_t size) {
    ContentHasher hasher;
    hasher.update(data, size);
    return hasher.hex_digest();
}

std::string file_content_hash(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("Cannot read " + path.string() + ".");
    ContentHasher hasher;
    std::vector<char> buffer(1 << 20);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        hasher.update(buffer.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) throw InputError("Reading " + path.string() + " failed part-way.");
    return hasher.hex_digest();
}

}  // namespace facemix
