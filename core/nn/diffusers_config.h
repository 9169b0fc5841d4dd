#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace facemix {

// A diffusers config.json option together with the only value the network built here supports
// (null: the feature must be off).
using FixedOption = std::pair<const char*, nlohmann::json>;

// Throws InputError naming `what` and the option when the config sets one of `fixed` to anything
// else: diffusers grows options that change the network, and loading such weights into the plain
// architecture would silently produce the wrong model.
void require_fixed_options(const nlohmann::json& config, const std::vector<FixedOption>& fixed, const std::string& what);

}  // namespace facemix
