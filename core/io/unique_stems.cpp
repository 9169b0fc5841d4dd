#include "io/unique_stems.h"

#include <algorithm>

namespace facemix {

std::string UniqueStems::take(const std::filesystem::path& input) {
    const std::string stem = input.stem().string();
    std::string candidate = stem;
    for (int n = 2; std::find(used_.begin(), used_.end(), candidate) != used_.end(); ++n)
        candidate = stem + "-" + std::to_string(n);
    used_.push_back(candidate);
    return candidate;
}

}  // namespace facemix
