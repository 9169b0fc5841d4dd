#include "io/atomic_file.h"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include "common/error.h"
#include "io/os_error.h"

namespace facemix {
namespace {

// "could not write out/x.png: no space left on device": one sentence in the words of errno. The path
// is where the user pointed, so the failure is theirs to fix (a full disk, a read-only folder).
[[noreturn]] void fail(const std::filesystem::path& path, int error) {
    throw InputError("could not write " + path.string() + ": " + os_error_words(error) + ".");
}

// Tests point FACEMIX_TEST_WRITE_DEVICE at /dev/full to see a full disk (as root, permissions stop no
// write, and a tmpfs cannot be mounted everywhere): the bytes go there instead of into the temporary.
// Read at every write, because the in-process tests set it for a scope; beside the fsync that follows,
// a getenv costs nothing. Returns -1 with errno set when the device cannot be opened, so such a write
// fails instead of letting a test pass on a disk that was never full.
int data_fd(int temp_fd) {
    const char* device = std::getenv("FACEMIX_TEST_WRITE_DEVICE");
    if (device == nullptr || *device == '\0') return temp_fd;
    return ::open(device, O_WRONLY | O_CLOEXEC);
}

}  // namespace

void write_file_atomic(const std::filesystem::path& path, std::span<const unsigned char> data) {
    std::string temp = path.string() + ".XXXXXX.part";
    const int fd = ::mkstemps(temp.data(), 5);
    if (fd < 0) fail(path, errno);
    const auto discard = [&](int error, int out) {
        if (out != fd) ::close(out);
        ::close(fd);
        ::unlink(temp.c_str());
        fail(path, error);
    };
    const int out = data_fd(fd);
    if (out < 0) discard(errno, fd);
    std::size_t written = 0;
    while (written < data.size()) {
        const ssize_t n = ::write(out, data.data() + written, data.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) discard(n < 0 ? errno : ENOSPC, out);
        written += static_cast<std::size_t>(n);
    }
    if (out != fd) ::close(out);
    ::fchmod(fd, 0644);
    if (::fsync(fd) != 0) discard(errno, fd);
    if (::close(fd) != 0) {
        const int error = errno;
        ::unlink(temp.c_str());
        fail(path, error);
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        const int error = errno;
        ::unlink(temp.c_str());
        fail(path, error);
    }
}

void write_file_atomic(const std::filesystem::path& path, std::string_view text) {
    write_file_atomic(path, std::span(reinterpret_cast<const unsigned char*>(text.data()), text.size()));
}

}  // namespace facemix
