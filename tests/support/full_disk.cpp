#include "support/full_disk.h"

#include <cstdlib>

namespace facemix::test {

FullDisk::FullDisk() { ::setenv("FACEMIX_TEST_WRITE_DEVICE", "/dev/full", 1); }
FullDisk::~FullDisk() { ::unsetenv("FACEMIX_TEST_WRITE_DEVICE"); }

std::set<std::string> files_below(const std::filesystem::path& folder) {
    std::set<std::string> files;
    if (!std::filesystem::is_directory(folder)) return files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(folder))
        if (!entry.is_directory()) files.insert(std::filesystem::relative(entry.path(), folder).string());
    return files;
}

}  // namespace facemix::test
