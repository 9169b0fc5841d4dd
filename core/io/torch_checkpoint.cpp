#include "io/torch_checkpoint.h"

#include "common/error.h"
#include "io/checkpoint_archive.h"
#include "io/pickle_machine.h"
#include "io/torch_pickle.h"

#include <ATen/ATen.h>

namespace facemix {
namespace {

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

at::Tensor read_storage(CheckpointArchive& archive, const std::string& key, const TorchStorage& storage) {
    const CheckpointEntry entry = archive.storage_entry(key, storage.byte_size());
    at::Tensor data = at::empty({static_cast<std::int64_t>(storage.numel)}, at::TensorOptions(scalar_type(storage.type)));
    archive.read(entry, data.data_ptr());
    // Any byte other than 0 or 1 in a bool tensor is undefined behaviour in ATen.
    return storage.type == TorchStorageType::Bool ? data.ne(0) : data;
}

}  // namespace

TensorMap read_torch_checkpoint(const std::filesystem::path& path) {
    CheckpointArchive archive = CheckpointArchive::open(path);
    archive.check_byte_order();
    const PickleDocument document = run_pickle(archive.read_pickle(), archive.name());
    const TorchWeightsLayout layout = torch_weights_layout(document.root(), archive.name());
    if (layout.tensors.empty()) throw InputError(archive.name() + ": the checkpoint holds no tensors");

    std::map<std::string, at::Tensor> storages;
    for (const auto& [key, storage] : layout.storages) storages.emplace(key, read_storage(archive, key, storage));
    TensorMap tensors;
    for (const auto& [tensor_name, view] : layout.tensors)
        tensors.emplace(tensor_name, storages.at(view.storage_key).as_strided(view.sizes, view.strides, view.offset));
    return tensors;
}

}  // namespace facemix
