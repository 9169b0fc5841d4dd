#pragma once

#include <filesystem>
#include <set>
#include <string>

namespace facemix::test {

// While one lives, every atomic write (core/io/atomic_file.cpp) sends its bytes to /dev/full, as on a
// full disk: as root, permissions stop no write, and a tmpfs cannot be mounted everywhere.
class FullDisk {
public:
    FullDisk();
    ~FullDisk();
    FullDisk(const FullDisk&) = delete;
    FullDisk& operator=(const FullDisk&) = delete;
};

// The environment assignment that does the same for a child process (the facemix CLI).
inline constexpr const char* kFullDiskEnvironment = "FACEMIX_TEST_WRITE_DEVICE=/dev/full";

// Every file below `folder` (relative paths), to compare before and after a failed write.
std::set<std::string> files_below(const std::filesystem::path& folder);

}  // namespace facemix::test
