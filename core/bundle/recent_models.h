#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace facemix {

// The models opened lately, newest first, shared by the CLI and the studio, so that `facemix replay` can
// find a recipe's model without being told. A plain-text file (the CLI has no QSettings), one model a line:
//     <model hash, or - when not known> TAB <file size> TAB <modification time> TAB <absolute path>
// The hash is what model_hash() gave while the file had that size and time: hashing a large model takes
// seconds, so a reader compares that first and hashes only files whose hash it does not know.
struct RecentModel {
    std::filesystem::path path;
    std::string model_hash;      // empty when not known (the studio opens models without hashing them)
    std::uintmax_t size = 0;     // of a regular file; 0 for a folder (a diffusers model)
    std::int64_t modified = 0;   // the file's modification time, in its clock's ticks

    // Whether model_hash still describes the file: known, and the file (not a folder, whose contents can
    // change under an unchanged time) has the recorded size and time.
    bool hash_current() const;
};

inline constexpr std::size_t kMaxRecentModels = 10;

// $XDG_CONFIG_HOME/facemix/recent_models.txt, else ~/.config/facemix/recent_models.txt.
std::filesystem::path recent_models_file();

// The list, newest first; empty when the file does not exist. Lines that cannot be read are skipped.
std::vector<RecentModel> read_recent_models(const std::filesystem::path& file = recent_models_file());

// Puts `model` first in the list (once, at most kMaxRecentModels kept) and rewrites the file atomically,
// so two programs writing at once leave one whole list. An empty `model_hash` keeps the hash recorded
// before while the file is unchanged. Returns false when the list cannot be written (a read-only home):
// it is a convenience, not worth failing a generation for.
bool remember_model(const std::filesystem::path& model, const std::string& model_hash = {},
                    const std::filesystem::path& file = recent_models_file());

// Records the hash of a model already in the list, in place (its position says when it was opened, and
// this is not an opening). Returns false when it is not in the list or the list cannot be written.
bool record_model_hash(const std::filesystem::path& model, const std::string& model_hash,
                       const std::filesystem::path& file = recent_models_file());

}  // namespace facemix
