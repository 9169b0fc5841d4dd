#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace facemix::test {

// A whole file's bytes, or "" when it cannot be read (the assertions that follow then say what is missing).
inline std::string read_text(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(file), {}};
}

// Writes `text` as the whole of `path`, creating its folder.
inline void write_text(const std::filesystem::path& path, const std::string& text) {
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

}  // namespace facemix::test
