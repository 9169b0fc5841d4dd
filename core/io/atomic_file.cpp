#include "io/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace facemix {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const char* what) {
    throw std::runtime_error("cannot write " + path.string() + ": " + what + " (" + std::strerror(errno) + ")");
}

}  // namespace

void write_file_atomic(const std::filesystem::path& path, std::span<const unsigned char> data) {
    std::string temp = path.string() + ".XXXXXX.part";
    const int fd = ::mkstemps(temp.data(), 5);
    if (fd < 0) fail(path, "cannot create a temporary file");
    std::size_t written = 0;
    while (written < data.size()) {
        const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ::close(fd);
            ::unlink(temp.c_str());
            fail(path, "write failed");
        }
        written += static_cast<std::size_t>(n);
    }
    ::fchmod(fd, 0644);
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        ::unlink(temp.c_str());
        fail(path, "flush failed");
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        ::unlink(temp.c_str());
        fail(path, "rename failed");
    }
}

void write_file_atomic(const std::filesystem::path& path, std::string_view text) {
    write_file_atomic(path, std::span(reinterpret_cast<const unsigned char*>(text.data()), text.size()));
}

}  // namespace facemix
