#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace facemix::cli {

// Expands the paths given on the command line: files stay as given (so a bad one is reported, not
// skipped), folders contribute the image files inside them, sorted.
std::vector<std::filesystem::path> expand_image_inputs(const std::vector<std::string>& arguments);

// A file-name stem unique within one run, so two photos named alike in different folders do not
// overwrite each other's outputs.
class UniqueStems {
public:
    std::string take(const std::filesystem::path& input);

private:
    std::vector<std::string> used_;
};

}  // namespace facemix::cli
