#include "io/unique_stems.h"

namespace facemix {

std::string UniqueStems::take(const std::filesystem::path& input) {
    const std::string stem = input.stem().string();
    std::string candidate = stem;
    for (int n = 2; used_.count(candidate) > 0; ++n)
        candidate = stem + "-" + std::to_string(n);
    used_.insert(candidate);
    return candidate;
}

}  // namespace facemix
