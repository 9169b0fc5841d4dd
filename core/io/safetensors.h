#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "io/safetensors_header.h"
#include "io/tensor_map.h"

namespace facemix {

// A .safetensors file mapped into memory (io/mapped_file.h). The header is validated completely on open
// (JSON syntax, dtypes F32/F16/BF16, shapes that match their byte ranges, ranges inside the file
// and not overlapping), so tensor() never reads outside the mapping. Throws InputError naming the
// file for anything malformed.
class SafetensorsFile {
public:
    static SafetensorsFile open(const std::filesystem::path& path);
    ~SafetensorsFile();
    SafetensorsFile(SafetensorsFile&&) noexcept;
    SafetensorsFile& operator=(SafetensorsFile&&) noexcept;

    const std::vector<TensorEntry>& entries() const;  // in file-header order
    const TensorEntry* find(const std::string& name) const;
    const TensorMetadata& metadata() const;

    // A CPU tensor holding a copy of the named tensor, in its stored dtype.
    at::Tensor tensor(const std::string& name) const;
    // The named tensor viewing the file's own bytes, in its stored dtype: no copy, resident only once
    // read, and it keeps the mapping alive after this object is gone (a copy when the data is not
    // aligned to its element size).
    at::Tensor mapped_tensor(const std::string& name) const;
    TensorMap read_all() const;

private:
    struct Impl;
    explicit SafetensorsFile(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Writes tensors (F32, F16 or BF16; moved to CPU and made contiguous) and metadata, atomically.
// Header keys are sorted; the data is ordered widest dtype first so every tensor starts at a multiple
// of its element size, which the reference `safetensors` package reads back. Throws InputError for a
// dtype the format cannot hold here, an undefined tensor, or a tensor named "__metadata__". The whole
// file is assembled in memory once before it is written.
void write_safetensors(const std::filesystem::path& path, const TensorMap& tensors, const TensorMetadata& metadata = {});

}  // namespace facemix
