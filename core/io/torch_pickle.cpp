#include "io/torch_pickle.h"

#include "common/error.h"

#include <array>
#include <utility>

namespace facemix {
namespace {

using Kind = PickleValue::Kind;

constexpr std::array<std::pair<const char*, TorchStorageType>, 10> kStorageTypes = {{
    {"torch.FloatStorage", TorchStorageType::Float},
    {"torch.HalfStorage", TorchStorageType::Half},
    {"torch.BFloat16Storage", TorchStorageType::BFloat16},
    {"torch.DoubleStorage", TorchStorageType::Double},
    {"torch.LongStorage", TorchStorageType::Long},
    {"torch.IntStorage", TorchStorageType::Int},
    {"torch.ShortStorage", TorchStorageType::Short},
    {"torch.CharStorage", TorchStorageType::Char},
    {"torch.ByteStorage", TorchStorageType::Byte},
    {"torch.BoolStorage", TorchStorageType::Bool},
}};

// Real state dicts nest a handful of levels; these bounds stop cycles and values shared so
// often that walking them as a tree would never end.
constexpr int kMaxNesting = 64;
constexpr std::size_t kMaxVisits = std::size_t{1} << 20;
constexpr std::size_t kMaxDims = 32;
// Keeps numel * element size and offset arithmetic far from overflow.
constexpr std::int64_t kMaxElements = std::int64_t{1} << 56;

class LayoutReader {
public:
    explicit LayoutReader(const std::string& source) : source_(source) {}

    TorchWeightsLayout read(const PickleValue& root) {
        if (!root.is(Kind::Dict)) fail("the checkpoint does not hold a dict of tensors at its top level");
        const PickleValue* state_dict = root.find("state_dict");
        walk(state_dict && state_dict->is(Kind::Dict) ? *state_dict : root, "", 0);
        return std::move(layout_);
    }

private:
    [[noreturn]] void fail(const std::string& what) const { throw InputError(source_ + ": " + what); }
    [[noreturn]] void bad_tensor(const std::string& name, const std::string& what) const {
        fail("tensor " + name + " " + what);
    }

    void walk(const PickleValue& dict, const std::string& prefix, int depth) {
        if (depth > kMaxNesting) fail("the checkpoint nests dicts more than " + std::to_string(kMaxNesting) + " deep");
        for (const auto& [key, value] : dict.entries) {
            if (++visits_ > kMaxVisits) fail("the checkpoint repeats its values too often to be a set of weights");
            std::string name;
            if (key->is(Kind::String))
                name = prefix + key->text;
            else if (key->is(Kind::Int))
                name = prefix + std::to_string(key->integer);
            else
                continue;  // e.g. Lightning < 1.5 keys callback states by class: bookkeeping, not weights
            if (value->is(Kind::Dict))
                walk(*value, name + ".", depth + 1);
            else if (value->is(Kind::Call) && is_tensor_call(value->text))
                add_tensor(name, *value);
        }
    }

    static bool is_tensor_call(const std::string& global) {
        return global == "torch._utils._rebuild_tensor_v2" || global == "torch._utils._rebuild_parameter" ||
               global == "torch._utils._rebuild_parameter_with_state";
    }

    void add_tensor(const std::string& name, const PickleValue& call) {
        const PickleValue* rebuild = &call;
        if (call.text != "torch._utils._rebuild_tensor_v2") {  // a Parameter wraps the tensor as its first argument
            if (call.items.empty() || !call.items[0]->is(Kind::Call) ||
                call.items[0]->text != "torch._utils._rebuild_tensor_v2")
                bad_tensor(name, "is a parameter that does not wrap a tensor");
            rebuild = call.items[0];
        }
        const auto& args = rebuild->items;
        if (args.size() < 4) bad_tensor(name, "is described with too few values");
        TorchTensorView view;
        const TorchStorage storage = read_storage(name, *args[0], view.storage_key);
        view.offset = integer(name, *args[1], "storage offset");
        view.sizes = integers(name, *args[2], "shape");
        view.strides = integers(name, *args[3], "strides");
        if (view.sizes.size() != view.strides.size()) bad_tensor(name, "has a shape and strides of different lengths");
        check_inside(name, view, storage);
        if (!layout_.tensors.emplace(name, std::move(view)).second) fail("the checkpoint names tensor " + name + " twice");
    }

    TorchStorage read_storage(const std::string& name, const PickleValue& reference, std::string& key) {
        if (!reference.is(Kind::PersistentId) || reference.items.size() != 1 || !reference.items[0]->is(Kind::Tuple))
            bad_tensor(name, "does not refer to a storage");
        const auto& fields = reference.items[0]->items;  // ("storage", type, key, location, numel)
        if (fields.size() != 5 || !fields[0]->is_string("storage") || !fields[1]->is(Kind::Global) ||
            !fields[2]->is(Kind::String))
            bad_tensor(name, "refers to its storage in a form torch.save does not write");
        TorchStorage storage;
        storage.type = storage_type(name, fields[1]->text);
        const std::int64_t numel = integer(name, *fields[4], "storage size");
        if (numel < 0 || numel > kMaxElements) bad_tensor(name, "has a storage of impossible size");
        storage.numel = static_cast<std::uint64_t>(numel);
        key = fields[2]->text;
        const auto [known, added] = layout_.storages.emplace(key, storage);
        if (!added && (known->second.type != storage.type || known->second.numel != storage.numel))
            fail("the checkpoint describes storage " + key + " in two different ways");
        return storage;
    }

    TorchStorageType storage_type(const std::string& name, const std::string& global) const {
        for (const auto& [type_name, type] : kStorageTypes)
            if (global == type_name) return type;
        bad_tensor(name, "is stored as " + global + ", which facemix does not read");
    }

    std::int64_t integer(const std::string& name, const PickleValue& value, const std::string& what) const {
        if (!value.is(Kind::Int)) bad_tensor(name, "has a " + what + " that is not an integer");
        return value.integer;
    }

    std::vector<std::int64_t> integers(const std::string& name, const PickleValue& value, const std::string& what) const {
        if (!value.is(Kind::Tuple)) bad_tensor(name, "has " + what + " that are not a tuple");
        if (value.items.size() > kMaxDims) bad_tensor(name, "has more than " + std::to_string(kMaxDims) + " dimensions");
        std::vector<std::int64_t> result;
        for (const PickleValue* item : value.items) {
            const std::int64_t number = integer(name, *item, what);
            if (number < 0 || number > kMaxElements) bad_tensor(name, "has " + what + " out of range");
            result.push_back(number);
        }
        return result;
    }

    // The last element the view touches must lie inside the storage.
    void check_inside(const std::string& name, const TorchTensorView& view, const TorchStorage& storage) const {
        if (view.offset < 0 || view.offset > kMaxElements) bad_tensor(name, "has a storage offset out of range");
        std::int64_t last = view.offset;
        bool overflow = false;
        for (std::size_t d = 0; d < view.sizes.size(); ++d) {
            if (view.sizes[d] == 0) return;  // an empty tensor touches nothing
            std::int64_t reach = 0;
            overflow = overflow || __builtin_mul_overflow(view.sizes[d] - 1, view.strides[d], &reach) ||
                       __builtin_add_overflow(last, reach, &last);
        }
        if (overflow || static_cast<std::uint64_t>(last) >= storage.numel)
            bad_tensor(name, "reaches outside its storage " + view.storage_key + " of " + std::to_string(storage.numel) +
                                 " elements");
    }

    const std::string& source_;
    TorchWeightsLayout layout_;
    std::size_t visits_ = 0;
};

}  // namespace

std::size_t element_size(TorchStorageType type) {
    switch (type) {
    case TorchStorageType::Double:
    case TorchStorageType::Long: return 8;
    case TorchStorageType::Float:
    case TorchStorageType::Int: return 4;
    case TorchStorageType::Half:
    case TorchStorageType::BFloat16:
    case TorchStorageType::Short: return 2;
    case TorchStorageType::Char:
    case TorchStorageType::Byte:
    case TorchStorageType::Bool: return 1;
    }
    return 1;
}

TorchWeightsLayout torch_weights_layout(const PickleValue& root, const std::string& source) {
    return LayoutReader(source).read(root);
}

}  // namespace facemix
