#include "bundle/recent_models.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

#include "io/atomic_file.h"

namespace facemix {

namespace {

// The size and time a file has now; a folder's size is 0. False when it is gone.
bool stamp(const std::filesystem::path& path, std::uintmax_t& size, std::int64_t& modified) {
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    if (error || !std::filesystem::exists(status)) return false;
    size = std::filesystem::is_regular_file(status) ? std::filesystem::file_size(path, error) : 0;
    const auto time = std::filesystem::last_write_time(path, error);
    if (error) return false;
    modified = static_cast<std::int64_t>(time.time_since_epoch().count());
    return true;
}

std::string line_of(const RecentModel& model) {
    return (model.model_hash.empty() ? "-" : model.model_hash) + "\t" + std::to_string(model.size) + "\t" +
           std::to_string(model.modified) + "\t" + model.path.string() + "\n";
}

}  // namespace

bool RecentModel::hash_current() const {
    if (model_hash.empty()) return false;
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) return false;
    std::uintmax_t now_size = 0;
    std::int64_t now_modified = 0;
    return stamp(path, now_size, now_modified) && now_size == size && now_modified == modified;
}

std::filesystem::path recent_models_file() {
    std::filesystem::path config;
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) config = xdg;
    else if (const char* home = std::getenv("HOME"); home && *home) config = std::filesystem::path(home) / ".config";
    else config = std::filesystem::temp_directory_path();  // no home at all: somewhere writable
    return config / "facemix" / "recent_models.txt";
}

std::vector<RecentModel> read_recent_models(const std::filesystem::path& file) {
    std::vector<RecentModel> models;
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        RecentModel model;
        std::string hash, path;
        if (!std::getline(fields, hash, '\t') || !(fields >> model.size) || fields.get() != '\t' || !(fields >> model.modified) ||
            fields.get() != '\t' || !std::getline(fields, path) || path.empty())
            continue;
        model.model_hash = hash == "-" ? std::string() : hash;
        model.path = path;
        models.push_back(std::move(model));
    }
    return models;
}

namespace {

bool write_list(const std::filesystem::path& file, const std::vector<RecentModel>& models) {
    std::string text;
    for (std::size_t i = 0; i < models.size() && i < kMaxRecentModels; ++i) text += line_of(models[i]);
    try {
        std::filesystem::create_directories(file.parent_path());
        write_file_atomic(file, text);
    } catch (const std::exception&) {
        return false;
    }
    return true;
}

std::filesystem::path absolute_path(const std::filesystem::path& model) {
    std::error_code error;
    const auto absolute = std::filesystem::absolute(model, error);
    return error ? model : absolute.lexically_normal();
}

}  // namespace

bool remember_model(const std::filesystem::path& model, const std::string& model_hash, const std::filesystem::path& file) {
    RecentModel entry;
    entry.path = absolute_path(model);
    if (!stamp(entry.path, entry.size, entry.modified)) return false;
    entry.model_hash = model_hash;
    std::vector<RecentModel> models{entry};
    for (RecentModel& old : read_recent_models(file)) {
        if (old.path != entry.path) {
            models.push_back(std::move(old));
        } else if (entry.model_hash.empty() && old.size == entry.size && old.modified == entry.modified) {
            models.front().model_hash = old.model_hash;
        }
    }
    return write_list(file, models);
}

bool record_model_hash(const std::filesystem::path& model, const std::string& model_hash, const std::filesystem::path& file) {
    const auto path = absolute_path(model);
    std::vector<RecentModel> models = read_recent_models(file);
    const auto found = std::find_if(models.begin(), models.end(), [&](const RecentModel& m) { return m.path == path; });
    if (found == models.end() || !stamp(path, found->size, found->modified)) return false;
    found->model_hash = model_hash;
    return write_list(file, models);
}

}  // namespace facemix
