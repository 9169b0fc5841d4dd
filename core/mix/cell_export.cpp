#include "mix/cell_export.h"

#include <nlohmann/json.hpp>

#include "io/png_file.h"

namespace facemix {

void write_recipe_png(const std::filesystem::path& path, const cv::Mat& image, const Recipe& recipe) {
    write_png_atomic(path, image,
                     {{"parameters", a1111_parameters(recipe, image.rows)}, {"facemix", recipe_to_json(recipe).dump()}});
}

Recipe read_recipe_png(const std::filesystem::path& path) {
    return recipe_from_png_texts(read_png_text(path), path.string());
}

}  // namespace facemix
