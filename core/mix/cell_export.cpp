#include "mix/cell_export.h"

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "io/png_file.h"

namespace facemix {

void write_recipe_png(const std::filesystem::path& path, const cv::Mat& image, const Recipe& recipe) {
    write_png_atomic(path, image,
                     {{"parameters", a1111_parameters(recipe, image.rows)}, {"facemix", recipe_to_json(recipe).dump()}});
}

Recipe read_recipe_png(const std::filesystem::path& path) {
    const auto texts = read_png_text(path);
    const auto found = texts.find("facemix");
    if (found == texts.end()) throw InputError(path.string() + " carries no facemix recipe.");
    const nlohmann::json json = nlohmann::json::parse(found->second, nullptr, false);
    if (json.is_discarded()) throw InputError(path.string() + " carries a facemix recipe that is not valid JSON.");
    return recipe_from_json(json, path.string());
}

}  // namespace facemix
