#pragma once

#include <filesystem>

#include <opencv2/core/mat.hpp>

#include "mix/recipe.h"

namespace facemix {

// Writes a generated image as PNG carrying its recipe twice: an A1111-style "parameters" text that
// other tools display, and the complete JSON recipe under "facemix" that `facemix replay` reads.
// Atomic: the file is complete or untouched.
void write_recipe_png(const std::filesystem::path& path, const cv::Mat& image, const Recipe& recipe);

// The recipe stored in a PNG by write_recipe_png. Throws InputError naming the file when it is not a
// readable PNG or carries no facemix recipe.
Recipe read_recipe_png(const std::filesystem::path& path);

}  // namespace facemix
