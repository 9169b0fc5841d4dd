#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

struct zip;

namespace facemix {

// What a checkpoint's entries may claim before anything is allocated for them. torch.save stores
// entries uncompressed, so sizes are bounded only by the model; the defaults let every real one through.
struct CheckpointLimits {
    std::uint64_t max_pickle_bytes = std::uint64_t{256} << 20;
    std::uint64_t max_storage_bytes = std::uint64_t{32} << 30;
};

// One entry of the archive, its declared size checked against the limits.
struct CheckpointEntry {
    std::uint64_t index = 0;
    std::string name;
    std::uint64_t size = 0;
};

// The zip container of a torch.save checkpoint (PyTorch 1.6 and later) read through libzip, without
// LibTorch, so that a fuzzer can link it alone: the records' folder, the byte order, the pickle and the
// raw bytes of each storage. io/torch_checkpoint.h turns them into tensors. Every problem is an
// InputError naming the file: not a zip (or a pre-1.6 checkpoint), a damaged directory or entry, a
// missing or second data.pkl, an entry beyond the limits or expanding like a zip bomb.
class CheckpointArchive {
public:
    static CheckpointArchive open(const std::filesystem::path& path, const CheckpointLimits& limits = {});
    // The same over a whole file in memory, which must outlive the archive; `name` names it in messages.
    static CheckpointArchive from_bytes(std::span<const std::uint8_t> file, std::string name,
                                        const CheckpointLimits& limits = {});

    CheckpointArchive(CheckpointArchive&&) noexcept;
    CheckpointArchive& operator=(CheckpointArchive&&) noexcept;
    ~CheckpointArchive();

    const std::string& name() const { return name_; }

    // Refuses big-endian data (recorded since PyTorch 1.13; older files were all little-endian).
    void check_byte_order();
    std::vector<std::uint8_t> read_pickle();
    // The entry holding storage `key`, refused unless it holds exactly `expected_bytes`.
    CheckpointEntry storage_entry(const std::string& key, std::uint64_t expected_bytes) const;
    // Exactly entry.size bytes into `out`, the entry's CRC and length checked.
    void read(const CheckpointEntry& entry, void* out);

private:
    struct ZipCloser {
        void operator()(zip* archive) const;
    };

    CheckpointArchive(zip* archive, std::string name, const CheckpointLimits& limits);
    void find_prefix();
    CheckpointEntry entry(const std::string& entry_name, std::uint64_t limit) const;

    std::string name_;
    std::unique_ptr<zip, ZipCloser> archive_;
    CheckpointLimits limits_;
    std::string prefix_;
};

}  // namespace facemix
