#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace facemix {

// A file-name stem unique within one run, so two photos named alike in different folders do not
// overwrite each other's outputs.
class UniqueStems {
public:
    std::string take(const std::filesystem::path& input);

private:
    std::vector<std::string> used_;
};

}  // namespace facemix
