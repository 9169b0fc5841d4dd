#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "io/unique_stems.h"  // UniqueStems, which every command that writes per-photo files uses

namespace facemix::cli {

// Expands the paths given on the command line: files stay as given (so a bad one is reported, not
// skipped), folders contribute the image files inside them, sorted.
std::vector<std::filesystem::path> expand_image_inputs(const std::vector<std::string>& arguments);

}  // namespace facemix::cli
