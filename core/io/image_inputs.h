#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace facemix {

// Whether the file's extension is one of the image formats load_image decodes.
bool has_image_extension(const std::filesystem::path& path);

// Expands the paths given on a command line: files stay as given (so a bad one is reported, not
// skipped), folders contribute the image files inside them, recursively and sorted.
std::vector<std::filesystem::path> expand_image_inputs(const std::vector<std::string>& arguments);

}  // namespace facemix
