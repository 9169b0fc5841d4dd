// Reading recipes from hostile PNG texts (mix/recipe.h); the cases come from tools/fuzz.sh.

#include <string>
#include <utility>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "mix/recipe.h"

namespace facemix {
namespace {

Recipe small_recipe() {
    Recipe recipe;
    recipe.face.sources = {{"a.png", "1", 0, "2"}};
    recipe.background.sources = {{"b.png", "3", 1, "4"}};
    recipe.token_names = {"face", "background"};
    recipe.condition = {1, 2, 3, 4};
    return recipe;
}

Recipe read(const nlohmann::json& json) { return recipe_from_png_texts({{"facemix", json.dump()}}, "cell.png"); }

TEST(Recipe, ReadsBackFromThePngTexts) { EXPECT_EQ(read(recipe_to_json(small_recipe())), small_recipe()); }

// nlohmann casts a float to an integer type as it is, undefined behaviour when out of range.
TEST(Recipe, WholeNumbersOutOfRangeAreInputErrors) {
    for (const auto& [field, value] : {std::pair{"format", nlohmann::json(1e300)}, std::pair{"batch_cells", nlohmann::json(-5.0)},
                                       std::pair{"seed", nlohmann::json(1e30)}}) {
        nlohmann::json json = recipe_to_json(small_recipe());
        json[field] = value;
        EXPECT_THROW(read(json), InputError) << field;
    }
    nlohmann::json whole_float = recipe_to_json(small_recipe());
    whole_float["batch_cells"] = 1.0;  // read as before
    EXPECT_EQ(read(whole_float).batch_cells, 1u);
}

// Each same_person level was one more recursion: a few MB of nesting overflowed the stack.
TEST(Recipe, NestingBeyondAnyRecipeIsAnInputError) {
    const std::string level = R"({"file":"x","image_hash":"","face_index":0,"aligned_hash":"","same_person":[)";
    std::string nested;
    for (int i = 0; i < 100000; ++i) nested += level;
    nested += R"({"file":"x","image_hash":"","face_index":0,"aligned_hash":""})";
    for (int i = 0; i < 100000; ++i) nested += "]}";
    std::string text = recipe_to_json(small_recipe()).dump();
    const std::string first_source = R"("sources":[)";
    text.insert(text.find(first_source) + first_source.size(), nested + ",");
    try {
        (void)recipe_from_png_texts({{"facemix", text}}, "cell.png");
        FAIL() << "accepted";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("nested deeper"), std::string::npos) << error.what();
    }
}

}  // namespace
}  // namespace facemix
