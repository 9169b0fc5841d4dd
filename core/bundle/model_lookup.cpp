#include "bundle/model_lookup.h"

#include <algorithm>
#include <system_error>
#include <vector>

#include "bundle/default_model.h"
#include "bundle/model_hash.h"
#include "bundle/model_importer.h"
#include "bundle/recent_models.h"
#include "common/error.h"

namespace facemix {

namespace {

struct Candidate {
    std::filesystem::path path;
    bool known_match = false;  // its recorded, still current hash is the one wanted
    bool named = false;        // its file name is the recipe's model name
};

// The same file however it was named (relative, through a link): the canonical path where there is one.
std::filesystem::path identity_of(const std::filesystem::path& path) {
    std::error_code error;
    const auto canonical = std::filesystem::canonical(path, error);
    return error ? path.lexically_normal() : canonical;
}

}  // namespace

std::optional<FoundModel> find_model_by_hash(const std::string& hash, const std::string& name,
                                             const std::function<void(const std::filesystem::path&)>& on_hashing) {
    std::vector<Candidate> candidates;
    std::vector<std::filesystem::path> seen;
    const auto add = [&](const std::filesystem::path& path, bool known_match) {
        const auto identity = identity_of(path);
        if (std::find(seen.begin(), seen.end(), identity) != seen.end()) return;
        seen.push_back(identity);
        candidates.push_back({path, known_match, path.filename().string() == name});
    };
    for (const RecentModel& recent : read_recent_models()) {
        std::error_code error;
        if (!std::filesystem::exists(recent.path, error)) continue;
        if (recent.hash_current() && recent.model_hash != hash) {  // known to be another model: never loaded
            seen.push_back(identity_of(recent.path));
            continue;
        }
        add(recent.path, recent.hash_current());
    }
    try {
        add(default_model_path(), false);
    } catch (const InputError&) {  // not installed: only the recent models can match
    }
    // Known matches first, then the files the recipe names, each group in recent-first order.
    std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
        return std::make_pair(a.known_match, a.named) > std::make_pair(b.known_match, b.named);
    });
    for (const Candidate& candidate : candidates) {
        if (on_hashing) on_hashing(candidate.path);
        try {
            ModelBundle bundle = import_model(candidate.path);
            const std::string found = model_hash(bundle);
            record_model_hash(candidate.path, found);  // known from now on, so the next search passes it over cheaply
            if (found == hash) return FoundModel{candidate.path, std::move(bundle)};
        } catch (const std::exception&) {  // moved, broken or not a model any more
        }
    }
    return std::nullopt;
}

}  // namespace facemix
