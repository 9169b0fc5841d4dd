// fuzz-sources: core/io/checkpoint_archive.cpp core/io/pickle_machine.cpp core/io/torch_pickle.cpp
// fuzz-packages: libzip
// Feeds arbitrary bytes, as a whole file, to everything read_torch_checkpoint does short of making
// tensors: the zip directory, the records' folder, the byte order, the pickle and its tensor layout,
// and every storage's bytes. Refusing them with InputError is the expected outcome; anything else is a bug.

#include "common/error.h"
#include "io/checkpoint_archive.h"
#include "io/pickle_machine.h"
#include "io/torch_pickle.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // Small limits keep each run fast; the real ones are only larger.
    facemix::CheckpointLimits limits;
    limits.max_pickle_bytes = std::uint64_t{1} << 20;
    limits.max_storage_bytes = std::uint64_t{1} << 20;
    facemix::PickleLimits pickle_limits;
    pickle_limits.max_values = std::size_t{1} << 16;
    try {
        auto archive = facemix::CheckpointArchive::from_bytes(std::span(data, size), "fuzz.ckpt", limits);
        archive.check_byte_order();
        const facemix::PickleDocument document = facemix::run_pickle(archive.read_pickle(), archive.name(), pickle_limits);
        const facemix::TorchWeightsLayout layout = facemix::torch_weights_layout(document.root(), archive.name());
        for (const auto& [key, storage] : layout.storages) {
            const facemix::CheckpointEntry entry = archive.storage_entry(key, storage.byte_size());
            std::vector<std::uint8_t> bytes(entry.size);
            archive.read(entry, bytes.data());
        }
    } catch (const facemix::InputError&) {
    }
    return 0;
}
