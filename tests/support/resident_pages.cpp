#include "support/resident_pages.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <fstream>
#include <vector>

namespace facemix::test {

namespace {

// The page numbers [first, last) of the whole pages inside the tensor's bytes.
std::pair<std::uintptr_t, std::uintptr_t> whole_page_range(const at::Tensor& tensor) {
    const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto begin = reinterpret_cast<std::uintptr_t>(tensor.data_ptr());
    const std::uintptr_t first = (begin + page - 1) / page, last = (begin + tensor.nbytes()) / page;
    return {first, std::max(first, last)};
}

}  // namespace

std::size_t whole_pages(const at::Tensor& tensor) {
    const auto [first, last] = whole_page_range(tensor);
    return last - first;
}

std::size_t mapped_pages(const at::Tensor& tensor) {
    const auto [first, last] = whole_page_range(tensor);
    if (last == first) return 0;
    std::vector<std::uint64_t> entries(last - first);
    const int fd = ::open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    const auto bytes = static_cast<ssize_t>(entries.size() * sizeof(std::uint64_t));
    const bool read = fd >= 0 && ::pread(fd, entries.data(), entries.size() * sizeof(std::uint64_t),
                                         static_cast<off_t>(first * sizeof(std::uint64_t))) == bytes;
    if (fd >= 0) ::close(fd);
    if (!read) return entries.size();  // unknown counts as mapped: a test of release then fails
    std::size_t present = 0;
    for (const auto entry : entries) present += (entry >> 63) & 1;
    return present;
}

double resident_mib() {
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    statm >> pages >> resident;
    return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

}  // namespace facemix::test
