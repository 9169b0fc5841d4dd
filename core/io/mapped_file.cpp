#include "io/mapped_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ATen/core/TensorBody.h>
#include <ATen/ops/from_blob.h>

#include "common/error.h"

namespace facemix {
namespace {

// What a mapped tensor's storage holds on to: its byte range and the mapping.
struct MappedRange {
    std::shared_ptr<const MappedFile> file;
    std::uint8_t* begin;
    std::size_t bytes;
};

// The whole pages inside [begin, begin + bytes): a page shared with a neighbouring tensor stays.
std::span<std::uint8_t> inner_pages(std::uint8_t* begin, std::size_t bytes) {
    const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto first = (reinterpret_cast<std::uintptr_t>(begin) + page - 1) / page * page;
    const auto last = (reinterpret_cast<std::uintptr_t>(begin) + bytes) / page * page;
    if (last <= first) return {};
    return {reinterpret_cast<std::uint8_t*>(first), last - first};
}

// MADV_PAGEOUT keeps the data (a clean page is dropped and read again, a page written to stays
// private), so it is safe on pages another living view may still read.
void page_out(std::uint8_t* begin, std::size_t bytes) {
    const std::span<std::uint8_t> pages = inner_pages(begin, bytes);
    if (!pages.empty()) (void)::madvise(pages.data(), pages.size(), MADV_PAGEOUT);
}

void release_range(void* context) {
    auto* range = static_cast<MappedRange*>(context);
    page_out(range->begin, range->bytes);
    delete range;
}

class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    ~FileDescriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

}  // namespace

std::shared_ptr<const MappedFile> MappedFile::open(const std::filesystem::path& path) {
    const std::string name = path.string();
    const FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (file.get() < 0) throw InputError(name + ": cannot open the file (" + std::strerror(errno) + ").");
    struct stat info {};
    if (::fstat(file.get(), &info) != 0 || !S_ISREG(info.st_mode)) throw InputError(name + ": is not a regular file.");
    const auto size = static_cast<std::size_t>(info.st_size);
    if (size == 0) return std::shared_ptr<const MappedFile>(new MappedFile(name, nullptr, 0));
    // Writable but private: a write copies the page instead of faulting, and never reaches the file.
    void* mapping = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, file.get(), 0);
    if (mapping == MAP_FAILED) throw InputError(name + ": cannot map the file into memory (" + std::strerror(errno) + ").");
    return std::shared_ptr<const MappedFile>(new MappedFile(name, static_cast<std::uint8_t*>(mapping), size));
}

MappedFile::~MappedFile() {
    if (data_) ::munmap(data_, size_);
}

at::Tensor MappedFile::tensor(const std::shared_ptr<const MappedFile>& file, std::size_t offset, at::IntArrayRef shape,
                              at::ScalarType dtype) {
    const auto options = at::TensorOptions().dtype(dtype);
    std::size_t bytes = c10::elementSize(dtype);
    for (const auto size : shape) bytes *= static_cast<std::size_t>(size);
    auto* range = new MappedRange{file, file->data_ + offset, bytes};
    return at::for_blob(range->begin, shape).context(range, release_range).options(options).make_tensor();
}

void release_resident_pages(const at::Tensor& tensor) {
    if (!tensor.defined() || !tensor.has_storage()) return;
    const c10::DataPtr& data = tensor.storage().data_ptr();
    if (data.get_deleter() != &release_range) return;
    const auto* range = static_cast<const MappedRange*>(data.get_context());
    page_out(range->begin, range->bytes);
}

}  // namespace facemix
