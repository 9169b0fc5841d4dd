#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

#include <ATen/core/Tensor.h>

namespace facemix {

// A regular file mapped into memory copy-on-write: reading it costs no copy, pages become resident
// only when touched and can be handed back to the page cache, and a write to a mapped tensor changes
// a private page, never the file. Tensors made by tensor() keep the mapping alive, so a network can
// run on weights that stay in the file (safetensors data is laid out for exactly that).
// A file truncated by another program while mapped makes later reads fault, as with any mmap reader;
// facemix's own writers replace files by rename, which leaves an open mapping intact.
class MappedFile {
public:
    // Throws InputError naming the file when it cannot be opened, is not a regular file or cannot be
    // mapped. An empty file maps to no bytes.
    static std::shared_ptr<const MappedFile> open(const std::filesystem::path& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    std::span<const std::uint8_t> bytes() const { return {data_, size_}; }
    const std::string& name() const { return name_; }

    // A CPU tensor viewing bytes [offset, offset + its size) of `file`, which must lie inside the file
    // with the offset a multiple of the element size (callers validate both). When the tensor's
    // storage dies, its whole pages leave this process's resident memory.
    static at::Tensor tensor(const std::shared_ptr<const MappedFile>& file, std::size_t offset, at::IntArrayRef shape,
                             at::ScalarType dtype);

private:
    MappedFile(std::string name, std::uint8_t* data, std::size_t size) : name_(std::move(name)), data_(data), size_(size) {}

    std::string name_;
    std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
};

// Hands the resident pages of a tensor that views a MappedFile back to the page cache (they are read
// again from it if touched later, not from the disk, unless the kernel needs the memory), so weights
// used once, like the image encoder's after a job's photos are embedded, stop counting in the
// process's memory. Pages the process wrote to keep their contents. Does nothing for any other
// tensor: anonymous memory would go to swap instead.
void release_resident_pages(const at::Tensor& tensor);

// Maps every page of a tensor that views a MappedFile into the process at once (MADV_POPULATE_READ),
// ahead of its use: one call instead of a page fault per page, for weights that were handed back and
// are about to run again. Does nothing for any other tensor, or on kernels without it (before 5.14),
// where the first touch still faults the pages in.
void prefetch_resident_pages(const at::Tensor& tensor);

}  // namespace facemix
