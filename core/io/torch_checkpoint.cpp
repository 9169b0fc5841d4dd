#include "io/torch_checkpoint.h"

#include "common/error.h"
#include "io/pickle_machine.h"
#include "io/torch_pickle.h"

#include <array>
#include <fstream>
#include <memory>
#include <optional>
#include <vector>

#include <ATen/ATen.h>
#include <zip.h>

namespace facemix {
namespace {

// torch.save stores entries uncompressed, so sizes are bounded only by the model; these bounds
// stop archives that merely claim huge entries before anything is allocated.
constexpr std::uint64_t kMaxPickleBytes = std::uint64_t{256} << 20;
constexpr std::uint64_t kMaxStorageBytes = std::uint64_t{32} << 30;
// Float weights barely compress, so a large entry that expands hundreds of times (deflate reaches
// about 1000x on zeros, bzip2 far more) is a zip bomb, not a checkpoint someone re-zipped.
constexpr std::uint64_t kMaxExpansion = 200;
constexpr std::uint64_t kExpansionCheckedFrom = std::uint64_t{1} << 20;

struct ZipCloser {
    void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct ZipFileCloser {
    void operator()(zip_file_t* file) const { zip_fclose(file); }
};

at::ScalarType scalar_type(TorchStorageType type) {
    switch (type) {
    case TorchStorageType::Float: return at::kFloat;
    case TorchStorageType::Half: return at::kHalf;
    case TorchStorageType::BFloat16: return at::kBFloat16;
    case TorchStorageType::Double: return at::kDouble;
    case TorchStorageType::Long: return at::kLong;
    case TorchStorageType::Int: return at::kInt;
    case TorchStorageType::Short: return at::kShort;
    case TorchStorageType::Char: return at::kChar;
    case TorchStorageType::Byte: return at::kByte;
    case TorchStorageType::Bool: return at::kByte;  // read as bytes, then turned into bools (see read_storage)
    }
    return at::kByte;
}

// Tells zip archives from pre-1.6 torch.save files (a bare pickle stream) before libzip sees them.
void check_format(const std::filesystem::path& path, const std::string& name) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) throw InputError(name + ": no such file");
    std::ifstream in(path, std::ios::binary);
    std::array<char, 4> magic{};
    in.read(magic.data(), magic.size());
    if (in.gcount() == 4 && magic == std::array<char, 4>{'P', 'K', '\3', '\4'}) return;
    if (in.gcount() >= 1 && static_cast<unsigned char>(magic[0]) == 0x80)
        throw InputError(name + ": is a checkpoint in the format PyTorch used before 1.6, which facemix does not read; "
                                "re-save it with torch.save from a newer PyTorch, or convert it to safetensors");
    throw InputError(name + ": is not a PyTorch checkpoint (no zip archive inside)");
}

class CheckpointArchive {
public:
    CheckpointArchive(const std::filesystem::path& path, std::string name) : name_(std::move(name)) {
        int error = 0;
        archive_.reset(zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &error));
        if (!archive_)
            throw InputError(name_ + ": is not a complete zip archive (it may be truncated or damaged)");
        find_prefix();
    }

    std::vector<std::uint8_t> read_pickle() {
        const zip_uint64_t index = locate(prefix_ + "data.pkl");
        const std::uint64_t size = checked_size(index, prefix_ + "data.pkl", kMaxPickleBytes);
        std::vector<std::uint8_t> bytes(size);
        read(index, prefix_ + "data.pkl", bytes.data(), size);
        return bytes;
    }

    // torch.save records the byte order since 1.13; older files were all little-endian.
    void check_byte_order() {
        const std::string entry = prefix_ + "byteorder";
        const zip_int64_t index = zip_name_locate(archive_.get(), entry.c_str(), ZIP_FL_ENC_RAW);
        if (index < 0) return;
        const std::uint64_t size = checked_size(static_cast<zip_uint64_t>(index), entry, 16);
        std::string order(size, '\0');
        read(static_cast<zip_uint64_t>(index), entry, order.data(), size);
        if (order == "big")
            throw InputError(name_ + ": holds big-endian data, which facemix does not read; re-save it on a "
                                     "little-endian machine or convert it to safetensors");
        if (order != "little") throw InputError(name_ + ": names an unknown byte order \"" + order + "\"");
    }

    at::Tensor read_storage(const std::string& key, const TorchStorage& storage) {
        const std::string entry = prefix_ + "data/" + key;
        const zip_uint64_t index = locate(entry);
        const std::uint64_t size = checked_size(index, entry, kMaxStorageBytes);
        if (size != storage.byte_size())
            throw InputError(name_ + ": storage " + key + " holds " + std::to_string(size) + " bytes but its tensors need " +
                             std::to_string(storage.byte_size()));
        at::Tensor data = at::empty({static_cast<std::int64_t>(storage.numel)}, at::TensorOptions(scalar_type(storage.type)));
        read(index, entry, data.data_ptr(), size);
        // Any byte other than 0 or 1 in a bool tensor is undefined behaviour in ATen.
        return storage.type == TorchStorageType::Bool ? data.ne(0) : data;
    }

private:
    // All records of a torch.save archive sit in one top-level folder, named after the file it
    // was first saved as; data.pkl in it is the pickle.
    void find_prefix() {
        const zip_int64_t count = zip_get_num_entries(archive_.get(), 0);
        std::optional<std::string> found;
        for (zip_int64_t i = 0; i < count; ++i) {
            const char* raw = zip_get_name(archive_.get(), static_cast<zip_uint64_t>(i), ZIP_FL_ENC_RAW);
            if (!raw) continue;
            const std::string entry = raw;
            const auto slash = entry.find('/');
            if (slash == std::string::npos || entry.compare(slash, std::string::npos, "/data.pkl") != 0) continue;
            if (found)
                throw InputError(name_ + ": holds more than one data.pkl, so it is not a single torch.save checkpoint");
            found = entry.substr(0, slash + 1);
        }
        if (!found) throw InputError(name_ + ": is a zip archive but not a PyTorch checkpoint (it has no data.pkl)");
        prefix_ = *found;
    }

    zip_uint64_t locate(const std::string& entry) const {
        const zip_int64_t index = zip_name_locate(archive_.get(), entry.c_str(), ZIP_FL_ENC_RAW);
        if (index < 0) throw InputError(name_ + ": the checkpoint lacks its entry " + entry);
        return static_cast<zip_uint64_t>(index);
    }

    // The entry's declared size, refused before any allocation when it is absurd.
    std::uint64_t checked_size(zip_uint64_t index, const std::string& entry, std::uint64_t limit) const {
        zip_stat_t stat;
        zip_stat_init(&stat);
        if (zip_stat_index(archive_.get(), index, 0, &stat) != 0 || !(stat.valid & ZIP_STAT_SIZE) ||
            !(stat.valid & ZIP_STAT_COMP_SIZE))
            throw InputError(name_ + ": the zip directory entry for " + entry + " is damaged");
        if (stat.size > limit)
            throw InputError(name_ + ": refuses to load: entry " + entry + " claims " + std::to_string(stat.size) +
                             " bytes, more than the " + std::to_string(limit) + " it may take");
        if (stat.size >= kExpansionCheckedFrom && stat.size / kMaxExpansion > stat.comp_size)
            throw InputError(name_ + ": refuses to load: entry " + entry + " would expand from " +
                             std::to_string(stat.comp_size) + " to " + std::to_string(stat.size) +
                             " bytes, which is a zip bomb, not weights");
        return stat.size;
    }

    // Reads exactly `size` bytes and then asks for one more, so that libzip reaches the end of
    // the entry and checks its CRC and length.
    void read(zip_uint64_t index, const std::string& entry, void* out, std::uint64_t size) {
        std::unique_ptr<zip_file_t, ZipFileCloser> file(zip_fopen_index(archive_.get(), index, 0));
        if (!file)
            throw InputError(name_ + ": entry " + entry + " cannot be opened (" + zip_strerror(archive_.get()) + ")");
        auto* cursor = static_cast<std::uint8_t*>(out);
        std::uint64_t done = 0;
        while (done < size) {
            const zip_int64_t got = zip_fread(file.get(), cursor + done, size - done);
            if (got <= 0) throw damaged(entry, file.get());
            done += static_cast<std::uint64_t>(got);
        }
        std::uint8_t extra = 0;
        if (zip_fread(file.get(), &extra, 1) != 0) throw damaged(entry, file.get());
    }

    InputError damaged(const std::string& entry, zip_file_t* file) const {
        return InputError(name_ + ": entry " + entry + " is damaged (" + zip_file_strerror(file) + ")");
    }

    std::string name_;
    std::unique_ptr<zip_t, ZipCloser> archive_;
    std::string prefix_;
};

}  // namespace

TensorMap read_torch_checkpoint(const std::filesystem::path& path) {
    const std::string name = path.string();
    check_format(path, name);
    CheckpointArchive archive(path, name);
    archive.check_byte_order();
    const PickleDocument document = run_pickle(archive.read_pickle(), name);
    const TorchWeightsLayout layout = torch_weights_layout(document.root(), name);
    if (layout.tensors.empty()) throw InputError(name + ": the checkpoint holds no tensors");

    std::map<std::string, at::Tensor> storages;
    for (const auto& [key, storage] : layout.storages) storages.emplace(key, archive.read_storage(key, storage));
    TensorMap tensors;
    for (const auto& [tensor_name, view] : layout.tensors)
        tensors.emplace(tensor_name, storages.at(view.storage_key).as_strided(view.sizes, view.strides, view.offset));
    return tensors;
}

}  // namespace facemix
