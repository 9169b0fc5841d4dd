#include "bundle/default_model.h"

#include <cstdlib>
#include <string>
#include <system_error>

#include "common/error.h"

namespace facemix {

std::vector<std::filesystem::path> default_model_candidates() {
    std::vector<std::filesystem::path> candidates;
    if (const char* named = std::getenv("FACEMIX_DEFAULT_MODEL"); named && *named) candidates.emplace_back(named);
    std::error_code error;
    // /proc/self/exe rather than argv[0]: the studio and the CLI find it however they were started.
    const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", error);
    if (!error)
        candidates.push_back(executable.parent_path().parent_path() / "share" / "facemix" / "models" / "default" /
                             kDefaultModelFile);
    candidates.push_back(std::filesystem::path(FACEMIX_SOURCE_DIR) / "models" / "default" / kDefaultModelFile);
    return candidates;
}

std::filesystem::path default_model_path() {
    const auto candidates = default_model_candidates();
    std::string looked;
    for (const auto& candidate : candidates) {
        std::error_code error;
        if (std::filesystem::is_regular_file(candidate, error)) return candidate;
        looked += (looked.empty() ? "" : ", ") + candidate.string();
    }
    throw InputError("No model was named and the default model is not installed (looked in " + looked +
                     "); name a model explicitly.");
}

}  // namespace facemix
