#include "nn/weight_names.h"

#include <algorithm>
#include <charconv>

#include "common/error.h"

namespace facemix {

std::optional<NumberedChild> numbered_child(std::string_view name, std::string_view prefix) {
    if (!name.starts_with(prefix)) return std::nullopt;
    const std::string_view tail = name.substr(prefix.size());
    std::int64_t index = 0;
    const auto [end, error] = std::from_chars(tail.data(), tail.data() + tail.size(), index);
    if (error != std::errc() || end == tail.data() || end == tail.data() + tail.size() || *end != '.' || index < 0)
        return std::nullopt;
    return NumberedChild{index, tail.substr(static_cast<std::size_t>(end - tail.data()) + 1)};
}

std::int64_t numbered_children(const TensorMap& weights, std::string_view prefix) {
    std::int64_t count = 0;
    for (auto it = weights.lower_bound(std::string(prefix)); it != weights.end() && it->first.starts_with(prefix); ++it)
        if (const auto child = numbered_child(it->first, prefix)) count = std::max(count, child->index + 1);
    return count;
}

std::optional<std::string> renamed_prefix(std::string_view name, std::span<const PrefixRename> renames) {
    for (const auto& rename : renames)
        if (name.starts_with(rename.from)) return std::string(rename.to).append(name.substr(rename.from.size()));
    return std::nullopt;
}

bool has_tensor(const TensorMap& weights, const std::string& name) { return weights.count(name) != 0; }

const at::Tensor& shape_source(const TensorMap& weights, const std::string& name, const std::string& what) {
    const auto found = weights.find(name);
    if (found == weights.end())
        throw InputError(what + " has no tensor " + name + ", so its architecture cannot be read from its weights");
    return found->second;
}

}  // namespace facemix
