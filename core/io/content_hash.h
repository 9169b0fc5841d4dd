#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace facemix {

// A 128-bit XXH3 digest as 32 lowercase hex digits. Not cryptographic: it identifies files and images in
// recipes and caches, where speed matters (a 4 GB model hashes in about a second).
class ContentHasher {
public:
    ContentHasher();
    ~ContentHasher();
    ContentHasher(const ContentHasher&) = delete;
    ContentHasher& operator=(const ContentHasher&) = delete;

    void update(const void* data, std::size_t size);
    void update(std::string_view text) { update(text.data(), text.size()); }
    std::string hex_digest() const;

private:
    void* state_;
};

std::string content_hash(const void* data, std::size_t size);
// Throws InputError naming the file when it cannot be read.
std::string file_content_hash(const std::filesystem::path& path);

}  // namespace facemix
