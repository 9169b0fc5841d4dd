#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "bundle/model_bundle.h"

namespace facemix {

// A model found by its hash, loaded (the search had to load it to hash it, so it is not loaded twice).
struct FoundModel {
    std::filesystem::path path;
    ModelBundle bundle;
};

// Looks for the model whose model_hash() is `hash` among the bundled default model and the recently
// opened models (bundle/recent_models.h), cheapest checks first: a recent model whose recorded hash is
// still current is taken or passed over without loading it; the others are loaded and hashed, the ones
// whose file name is `name` (the recipe's model name) first. `on_hashing` hears of each model about to be
// loaded and hashed, which takes seconds for a large one. Files that cannot be loaded are passed over.
// nullopt when none matches.
std::optional<FoundModel> find_model_by_hash(const std::string& hash, const std::string& name,
                                             const std::function<void(const std::filesystem::path&)>& on_hashing = {});

}  // namespace facemix
