#include "io/mapped_file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>
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

// The whole pages inside [begin, begin + bytes): a page shared with a neighbouring tensor stays.
std::span<std::uint8_t> inner_pages(std::uint8_t* begin, std::size_t bytes) {
    const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto first = (reinterpret_cast<std::uintptr_t>(begin) + page - 1) / page * page;
    const auto last = (reinterpret_cast<std::uintptr_t>(begin) + bytes) / page * page;
    if (last <= first) return {};
    return {reinterpret_cast<std::uint8_t*>(first), last - first};
}

// Whether any of `pages` is this process's private copy (a mapped tensor was written to): in
// /proc/self/pagemap such a page is present without the file-page bit, or swapped. Unreadable counts
// as yes, the safe answer.
bool holds_private_copies(std::span<std::uint8_t> pages) {
    const FileDescriptor pagemap(::open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC));
    if (pagemap.get() < 0) return true;
    constexpr std::uint64_t present = 1ULL << 63, swapped = 1ULL << 62, file_page = 1ULL << 61;
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t first = reinterpret_cast<std::uintptr_t>(pages.data()) / page, count = pages.size() / page;
    std::uint64_t entries[4096];
    for (std::size_t done = 0; done < count;) {
        const std::size_t chunk = std::min(count - done, std::size(entries));
        const auto offset = static_cast<off_t>((first + done) * sizeof(std::uint64_t));
        if (::pread(pagemap.get(), entries, chunk * sizeof(std::uint64_t), offset) != static_cast<ssize_t>(chunk * sizeof(std::uint64_t)))
            return true;
        for (std::size_t k = 0; k < chunk; ++k)
            if ((entries[k] & swapped) || ((entries[k] & present) && !(entries[k] & file_page))) return true;
        done += chunk;
    }
    return false;
}

// Unmapping clean pages (MADV_DONTNEED) leaves them in the page cache, so weights touched again are
// read from memory, not from the disk. Pages written to would lose the writes that way, so a range
// holding any goes out with MADV_PAGEOUT, which keeps private pages but also evicts the clean ones
// from the page cache. Either way it is safe on pages another living view may still read (weights are
// not written while they are released, so no write races the check).
void page_out(std::uint8_t* begin, std::size_t bytes) {
    const std::span<std::uint8_t> pages = inner_pages(begin, bytes);
    if (pages.empty()) return;
    (void)::madvise(pages.data(), pages.size(), holds_private_copies(pages) ? MADV_PAGEOUT : MADV_DONTNEED);
}

void release_range(void* context) {
    auto* range = static_cast<MappedRange*>(context);
    page_out(range->begin, range->bytes);
    delete range;
}

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

namespace {

// The mapped range a tensor views, or nothing when it does not view a MappedFile.
const MappedRange* mapped_range(const at::Tensor& tensor) {
    if (!tensor.defined() || !tensor.has_storage()) return nullptr;
    const c10::DataPtr& data = tensor.storage().data_ptr();
    if (data.get_deleter() != &release_range) return nullptr;
    return static_cast<const MappedRange*>(data.get_context());
}

}  // namespace

void release_resident_pages(const at::Tensor& tensor) {
    if (const MappedRange* range = mapped_range(tensor)) page_out(range->begin, range->bytes);
}

void prefetch_resident_pages(const at::Tensor& tensor) {
    const MappedRange* range = mapped_range(tensor);
    if (!range || range->bytes == 0) return;
    const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto first = reinterpret_cast<std::uintptr_t>(range->begin) / page * page;
    const auto last = (reinterpret_cast<std::uintptr_t>(range->begin) + range->bytes + page - 1) / page * page;
    (void)::madvise(reinterpret_cast<void*>(first), last - first, MADV_POPULATE_READ);
}

}  // namespace facemix
