#include "io/safetensors.h"

#include "common/error.h"
#include "io/atomic_file.h"
#include "io/mapped_file.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <optional>
#include <unordered_map>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

namespace facemix {
namespace {

// The format stores little-endian values and the reader copies them byte for byte.
static_assert(std::endian::native == std::endian::little, "safetensors I/O assumes a little-endian host");

at::ScalarType scalar_type(StorageDType dtype) {
    switch (dtype) {
        case StorageDType::F32: return at::kFloat;
        case StorageDType::F16: return at::kHalf;
        case StorageDType::BF16: return at::kBFloat16;
    }
    return at::kFloat;
}

std::optional<StorageDType> storage_dtype(at::ScalarType type) {
    switch (type) {
        case at::kFloat: return StorageDType::F32;
        case at::kHalf: return StorageDType::F16;
        case at::kBFloat16: return StorageDType::BF16;
        default: return std::nullopt;
    }
}

// A tensor on its way into a file: on the CPU, contiguous, with its place in the data section.
struct PendingTensor {
    const std::string* name;
    at::Tensor data;
    StorageDType dtype;
    std::uint64_t begin = 0;
    std::uint64_t bytes = 0;
};

std::vector<PendingTensor> pending_tensors(const std::string& file_name, const TensorMap& tensors) {
    std::vector<PendingTensor> pending;
    pending.reserve(tensors.size());
    for (const auto& [name, tensor] : tensors) {
        const std::string what = file_name + ": cannot write tensor '" + name + "'";
        if (name == "__metadata__") throw InputError(what + ", its name is reserved for the metadata.");
        if (!tensor.defined()) throw InputError(what + ", it holds no data.");
        const auto dtype = storage_dtype(tensor.scalar_type());
        if (!dtype)
            throw InputError(what + " of type " + std::string(c10::toString(tensor.scalar_type())) +
                             "; only F32, F16 and BF16 tensors can be stored.");
        at::Tensor data = tensor.detach().to(at::kCPU).contiguous();
        const auto bytes = static_cast<std::uint64_t>(data.nbytes());
        pending.push_back({&name, std::move(data), *dtype, 0, bytes});
    }
    // Widest elements first: the header is padded to a multiple of 8 bytes, so every tensor then
    // starts at a multiple of its own element size and a reader may map it in place.
    std::stable_sort(pending.begin(), pending.end(), [](const PendingTensor& a, const PendingTensor& b) {
        return dtype_size(a.dtype) > dtype_size(b.dtype);
    });
    std::uint64_t offset = 0;
    for (auto& tensor : pending) {
        tensor.begin = offset;
        offset += tensor.bytes;
    }
    return pending;
}

// The JSON header, keys sorted (nlohmann::json's object order), padded with spaces to a multiple of 8.
std::string header_text(const std::string& file_name, const std::vector<PendingTensor>& pending,
                        const TensorMetadata& metadata) {
    nlohmann::json header = nlohmann::json::object();
    for (const auto& tensor : pending)
        header[*tensor.name] = {{"dtype", dtype_name(tensor.dtype)},
                                {"shape", tensor.data.sizes().vec()},
                                {"data_offsets", {tensor.begin, tensor.begin + tensor.bytes}}};
    if (!metadata.empty()) header["__metadata__"] = metadata;
    std::string text;
    try {
        text = header.dump();
    } catch (const nlohmann::json::type_error&) {
        throw InputError(file_name + ": cannot write a tensor name or metadata entry that is not valid UTF-8.");
    }
    text.append((8 - text.size() % 8) % 8, ' ');
    return text;
}

}  // namespace

struct SafetensorsFile::Impl {
    std::shared_ptr<const MappedFile> file;
    SafetensorsHeader header;
    std::unordered_map<std::string, std::size_t> index;  // name -> position in header.entries

    const TensorEntry& entry(const std::string& name) const {
        const auto found = index.find(name);
        if (found == index.end()) throw InputError(file->name() + ": there is no tensor '" + name + "' in the file.");
        return header.entries[found->second];
    }
    const std::uint8_t* bytes(const TensorEntry& entry) const {
        return file->bytes().data() + header.data_start + entry.begin;
    }
};

SafetensorsFile::SafetensorsFile(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SafetensorsFile::~SafetensorsFile() = default;
SafetensorsFile::SafetensorsFile(SafetensorsFile&&) noexcept = default;
SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&&) noexcept = default;

SafetensorsFile SafetensorsFile::open(const std::filesystem::path& path) {
    auto impl = std::make_unique<Impl>();
    impl->file = MappedFile::open(path);
    const std::span<const std::uint8_t> contents = impl->file->bytes();
    impl->header = parse_safetensors_file_start(contents, contents.size(), impl->file->name());
    for (std::size_t i = 0; i < impl->header.entries.size(); ++i) impl->index.emplace(impl->header.entries[i].name, i);
    return SafetensorsFile(std::move(impl));
}

const std::vector<TensorEntry>& SafetensorsFile::entries() const { return impl_->header.entries; }

const TensorEntry* SafetensorsFile::find(const std::string& name) const {
    const auto found = impl_->index.find(name);
    return found == impl_->index.end() ? nullptr : &impl_->header.entries[found->second];
}

const TensorMetadata& SafetensorsFile::metadata() const { return impl_->header.metadata; }

at::Tensor SafetensorsFile::tensor(const std::string& name) const {
    const TensorEntry& entry = impl_->entry(name);
    at::Tensor copy = at::empty(entry.shape, at::TensorOptions().dtype(scalar_type(entry.dtype)));
    const std::uint64_t bytes = entry.end - entry.begin;
    if (bytes > 0) std::memcpy(copy.data_ptr(), impl_->bytes(entry), bytes);
    return copy;
}

at::Tensor SafetensorsFile::mapped_tensor(const std::string& name) const {
    const TensorEntry& entry = impl_->entry(name);
    const at::ScalarType dtype = scalar_type(entry.dtype);
    const std::size_t offset = impl_->header.data_start + entry.begin;
    // The format does not promise aligned data; a misaligned tensor is copied rather than viewed.
    if (entry.end == entry.begin || offset % c10::elementSize(dtype) != 0) return tensor(name);
    return MappedFile::tensor(impl_->file, offset, entry.shape, dtype);
}

TensorMap SafetensorsFile::read_all() const {
    TensorMap tensors;
    for (const auto& entry : impl_->header.entries) tensors.emplace(entry.name, tensor(entry.name));
    return tensors;
}

void write_safetensors(const std::filesystem::path& path, const TensorMap& tensors, const TensorMetadata& metadata) {
    const std::string file_name = path.string();
    std::vector<PendingTensor> pending = pending_tensors(file_name, tensors);
    const std::string header = header_text(file_name, pending, metadata);
    const std::uint64_t data_bytes = pending.empty() ? 0 : pending.back().begin + pending.back().bytes;

    std::vector<unsigned char> contents(safetensors_length_field_bytes + header.size() + data_bytes);
    const std::uint64_t header_length = header.size();
    for (std::size_t i = 0; i < safetensors_length_field_bytes; ++i)
        contents[i] = static_cast<unsigned char>(header_length >> (8 * i));
    std::memcpy(contents.data() + safetensors_length_field_bytes, header.data(), header.size());
    unsigned char* data = contents.data() + safetensors_length_field_bytes + header.size();
    // Dropping each staged tensor once copied frees the CPU copies made of GPU or strided tensors
    // as the buffer fills, instead of holding both until the end.
    for (auto& tensor : pending) {
        if (tensor.bytes > 0) std::memcpy(data + tensor.begin, tensor.data.const_data_ptr(), tensor.bytes);
        tensor.data = at::Tensor();
    }
    write_file_atomic(path, contents);
}

}  // namespace facemix
