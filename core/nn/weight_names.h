#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <ATen/core/Tensor.h>

#include "io/safetensors.h"

// Working with weight names: translating between namings and reading a network's architecture back
// from its weights' names and shapes.

namespace facemix {

struct NumberedChild {
    std::int64_t index = 0;
    std::string_view rest;  // what follows "index."
};

// Splits prefix + index + "." + rest; nothing when `name` has another form.
std::optional<NumberedChild> numbered_child(std::string_view name, std::string_view prefix);

// How many numbered children `prefix` has: one more than the largest n of the names starting with
// prefix + n + ".", or 0 when there are none. ("down_blocks." → the number of down blocks.)
std::int64_t numbered_children(const TensorMap& weights, std::string_view prefix);

struct PrefixRename {
    std::string_view from;
    std::string_view to;
};

// a + b as one string: name pieces are string_views into the names being translated.
inline std::string joined(std::string_view a, std::string_view b) { return std::string(a).append(b); }

// `name` with the first matching `from` prefix replaced by its `to`; nothing when none matches.
std::optional<std::string> renamed_prefix(std::string_view name, std::span<const PrefixRename> renames);

bool has_tensor(const TensorMap& weights, const std::string& name);

// The named tensor; InputError naming it and `what` when it is absent.
const at::Tensor& shape_source(const TensorMap& weights, const std::string& name, const std::string& what);

}  // namespace facemix
