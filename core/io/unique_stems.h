#pragma once

#include <filesystem>
#include <string>
#include <unordered_set>

namespace facemix {

// A file-name stem unique within one run, so two photos named alike in different folders do not
// overwrite each other's outputs.
class UniqueStems {
public:
    std::string take(const std::filesystem::path& input);

private:
    std::unordered_set<std::string> used_;  // a set: prep names tens of thousands of photos
};

}  // namespace facemix
