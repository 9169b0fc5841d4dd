// fuzz-sources: core/mix/recipe.cpp core/io/base64.cpp core/io/json_error.cpp
// Feeds arbitrary bytes as the "facemix" text of a PNG to what `facemix replay` reads a recipe with:
// JSON syntax, then every field of the recipe. A recipe or an InputError are the only outcomes.

#include "common/error.h"
#include "mix/recipe.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::map<std::string, std::string> texts{{"facemix", std::string(reinterpret_cast<const char*>(data), size)}};
    try {
        const facemix::Recipe recipe = facemix::recipe_from_png_texts(texts, "fuzz.png");
        // What replay relies on: the condition splits into one row per token.
        if (recipe.token_names.empty() || recipe.condition.size() % recipe.token_names.size() != 0) __builtin_trap();
    } catch (const facemix::InputError&) {
    }
    return 0;
}
