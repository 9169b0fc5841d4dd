#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "io/pickle_machine.h"

namespace facemix {

// The element types torch.save names its storages by (torch.FloatStorage and so on).
enum class TorchStorageType { Float, Half, BFloat16, Double, Long, Int, Short, Char, Byte, Bool };

std::size_t element_size(TorchStorageType type);

// One storage the pickle refers to; its bytes are the archive entry <prefix>/data/<key>.
struct TorchStorage {
    TorchStorageType type = TorchStorageType::Float;
    std::uint64_t numel = 0;
    std::uint64_t byte_size() const { return numel * element_size(type); }
};

// One tensor as a strided view of a storage, checked to lie inside it.
struct TorchTensorView {
    std::string storage_key;
    std::int64_t offset = 0;
    std::vector<std::int64_t> sizes;
    std::vector<std::int64_t> strides;
};

// The weights a torch.save pickle holds, before any storage is read: the tensors under
// "state_dict" when the top-level dict has one (LDM and Lightning checkpoints), else under the
// top-level dict itself, with nested dicts flattened into dotted names and everything that is
// not a tensor (step counters, optimizer settings) left out.
struct TorchWeightsLayout {
    std::map<std::string, TorchStorage> storages;  // only those the tensors use
    std::map<std::string, TorchTensorView> tensors;
};

// Interprets a pickle run by run_pickle. Throws InputError naming `source` for anything that is
// not a well-formed tensor description: unknown storage types, views reaching outside their
// storage, one storage described two ways, a name used twice, structures nested or repeated
// beyond reason.
TorchWeightsLayout torch_weights_layout(const PickleValue& root, const std::string& source);

}  // namespace facemix
