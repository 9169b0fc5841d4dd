#include "io/checkpoint_archive.h"

#include "common/error.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <new>
#include <optional>

#include <zip.h>

namespace facemix {
namespace {

// Float weights barely compress, so a large entry that expands hundreds of times (deflate reaches
// about 1000x on zeros, bzip2 far more) is a zip bomb, not a checkpoint someone re-zipped.
constexpr std::uint64_t kMaxExpansion = 200;
constexpr std::uint64_t kExpansionCheckedFrom = std::uint64_t{1} << 20;

struct ZipFileCloser {
    void operator()(zip_file_t* file) const { zip_fclose(file); }
};

// Tells zip archives from pre-1.6 torch.save files (a bare pickle stream) before libzip sees them.
void check_magic(std::span<const std::uint8_t> first_bytes, const std::string& name) {
    static constexpr std::array<std::uint8_t, 4> zip_magic{'P', 'K', '\3', '\4'};
    if (first_bytes.size() >= 4 && std::equal(zip_magic.begin(), zip_magic.end(), first_bytes.begin())) return;
    if (!first_bytes.empty() && first_bytes[0] == 0x80)
        throw InputError(name + ": is a checkpoint in the format PyTorch used before 1.6, which facemix does not read; "
                                "re-save it with torch.save from a newer PyTorch, or convert it to safetensors");
    throw InputError(name + ": is not a PyTorch checkpoint (no zip archive inside)");
}

InputError incomplete_zip(const std::string& name) {
    return InputError(name + ": is not a complete zip archive (it may be truncated or damaged)");
}

}  // namespace

void CheckpointArchive::ZipCloser::operator()(zip* archive) const { zip_discard(archive); }

CheckpointArchive::CheckpointArchive(zip* archive, std::string name, const CheckpointLimits& limits)
    : name_(std::move(name)), archive_(archive), limits_(limits) {
    find_prefix();
}

CheckpointArchive::CheckpointArchive(CheckpointArchive&&) noexcept = default;
CheckpointArchive& CheckpointArchive::operator=(CheckpointArchive&&) noexcept = default;
CheckpointArchive::~CheckpointArchive() = default;

CheckpointArchive CheckpointArchive::open(const std::filesystem::path& path, const CheckpointLimits& limits) {
    std::string name = path.string();
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) throw InputError(name + ": no such file");
    std::ifstream in(path, std::ios::binary);
    std::array<char, 4> magic{};
    in.read(magic.data(), magic.size());
    check_magic({reinterpret_cast<const std::uint8_t*>(magic.data()), static_cast<std::size_t>(in.gcount())}, name);
    int zip_error = 0;
    zip* archive = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &zip_error);
    if (!archive) throw incomplete_zip(name);
    return CheckpointArchive(archive, std::move(name), limits);
}

CheckpointArchive CheckpointArchive::from_bytes(std::span<const std::uint8_t> file, std::string name,
                                                const CheckpointLimits& limits) {
    check_magic(file, name);
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(file.data(), file.size(), 0, &error);
    zip* archive = source ? zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error) : nullptr;
    zip_error_fini(&error);
    if (!source) throw std::bad_alloc();
    if (!archive) {
        zip_source_free(source);  // the archive takes the source only when it opens
        throw incomplete_zip(name);
    }
    return CheckpointArchive(archive, std::move(name), limits);
}

// All records of a torch.save archive sit in one top-level folder, named after the file it was
// first saved as; data.pkl in it is the pickle.
void CheckpointArchive::find_prefix() {
    const zip_int64_t count = zip_get_num_entries(archive_.get(), 0);
    std::optional<std::string> found;
    for (zip_int64_t i = 0; i < count; ++i) {
        const char* raw = zip_get_name(archive_.get(), static_cast<zip_uint64_t>(i), ZIP_FL_ENC_RAW);
        if (!raw) continue;
        const std::string entry_name = raw;
        const auto slash = entry_name.find('/');
        if (slash == std::string::npos || entry_name.compare(slash, std::string::npos, "/data.pkl") != 0) continue;
        if (found) throw InputError(name_ + ": holds more than one data.pkl, so it is not a single torch.save checkpoint");
        found = entry_name.substr(0, slash + 1);
    }
    if (!found) throw InputError(name_ + ": is a zip archive but not a PyTorch checkpoint (it has no data.pkl)");
    prefix_ = *found;
}

// The entry's declared size, refused before any allocation when it is absurd.
CheckpointEntry CheckpointArchive::entry(const std::string& entry_name, std::uint64_t limit) const {
    const zip_int64_t index = zip_name_locate(archive_.get(), entry_name.c_str(), ZIP_FL_ENC_RAW);
    if (index < 0) throw InputError(name_ + ": the checkpoint lacks its entry " + entry_name);
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(archive_.get(), static_cast<zip_uint64_t>(index), 0, &stat) != 0 || !(stat.valid & ZIP_STAT_SIZE) ||
        !(stat.valid & ZIP_STAT_COMP_SIZE))
        throw InputError(name_ + ": the zip directory entry for " + entry_name + " is damaged");
    if (stat.size > limit)
        throw InputError(name_ + ": refuses to load: entry " + entry_name + " claims " + std::to_string(stat.size) +
                         " bytes, more than the " + std::to_string(limit) + " it may take");
    if (stat.size >= kExpansionCheckedFrom && stat.size / kMaxExpansion > stat.comp_size)
        throw InputError(name_ + ": refuses to load: entry " + entry_name + " would expand from " +
                         std::to_string(stat.comp_size) + " to " + std::to_string(stat.size) +
                         " bytes, which is a zip bomb, not weights");
    return {static_cast<std::uint64_t>(index), entry_name, stat.size};
}

void CheckpointArchive::check_byte_order() {
    const std::string entry_name = prefix_ + "byteorder";
    if (zip_name_locate(archive_.get(), entry_name.c_str(), ZIP_FL_ENC_RAW) < 0) return;
    const CheckpointEntry byte_order = entry(entry_name, 16);
    std::string order(byte_order.size, '\0');
    read(byte_order, order.data());
    if (order == "big")
        throw InputError(name_ + ": holds big-endian data, which facemix does not read; re-save it on a "
                                 "little-endian machine or convert it to safetensors");
    if (order != "little") throw InputError(name_ + ": names an unknown byte order \"" + order + "\"");
}

std::vector<std::uint8_t> CheckpointArchive::read_pickle() {
    const CheckpointEntry pickle = entry(prefix_ + "data.pkl", limits_.max_pickle_bytes);
    std::vector<std::uint8_t> bytes(pickle.size);
    read(pickle, bytes.data());
    return bytes;
}

CheckpointEntry CheckpointArchive::storage_entry(const std::string& key, std::uint64_t expected_bytes) const {
    CheckpointEntry storage = entry(prefix_ + "data/" + key, limits_.max_storage_bytes);
    if (storage.size != expected_bytes)
        throw InputError(name_ + ": storage " + key + " holds " + std::to_string(storage.size) + " bytes but its tensors need " +
                         std::to_string(expected_bytes));
    return storage;
}

// Reads exactly `size` bytes and then asks for one more, so that libzip reaches the end of the
// entry and checks its CRC and length.
void CheckpointArchive::read(const CheckpointEntry& entry, void* out) {
    std::unique_ptr<zip_file_t, ZipFileCloser> file(zip_fopen_index(archive_.get(), entry.index, 0));
    if (!file)
        throw InputError(name_ + ": entry " + entry.name + " cannot be opened (" + zip_strerror(archive_.get()) + ")");
    const auto damaged = [&] {
        return InputError(name_ + ": entry " + entry.name + " is damaged (" + zip_file_strerror(file.get()) + ")");
    };
    auto* cursor = static_cast<std::uint8_t*>(out);
    std::uint64_t done = 0;
    while (done < entry.size) {
        const zip_int64_t got = zip_fread(file.get(), cursor + done, entry.size - done);
        if (got <= 0) throw damaged();
        done += static_cast<std::uint64_t>(got);
    }
    std::uint8_t extra = 0;
    if (zip_fread(file.get(), &extra, 1) != 0) throw damaged();
}

}  // namespace facemix
