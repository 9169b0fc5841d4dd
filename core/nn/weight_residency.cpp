#include "nn/weight_residency.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iterator>
#include <utility>
#include <vector>

#include "common/error.h"

namespace facemix {

namespace {

std::optional<std::string> file_text(const char* path) {
    std::ifstream file(path);
    if (!file) return std::nullopt;
    return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

std::string_view trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\n");
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t\n") - first + 1);
}

// The parts of `text` between separators; a separator at the end starts no empty part.
std::vector<std::string_view> parts(std::string_view text, char separator) {
    std::vector<std::string_view> found;
    for (std::size_t begin = 0; begin < text.size();) {
        const std::size_t end = std::min(text.find(separator, begin), text.size());
        found.push_back(text.substr(begin, end - begin));
        begin = end + 1;
    }
    return found;
}

std::optional<std::int64_t> whole_number(std::string_view text) {
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
    return value;
}

}  // namespace

std::vector<std::string> weight_residency_names() { return {"auto", "resident", "streamed"}; }

WeightResidency weight_residency_from_name(const std::string& name) {
    for (const auto residency : {WeightResidency::Auto, WeightResidency::Resident, WeightResidency::Streamed})
        if (name == weight_residency_name(residency)) return residency;
    throw InputError("Unknown weight memory \"" + name + "\" (known: auto, resident, streamed).");
}

std::string weight_residency_name(WeightResidency residency) {
    switch (residency) {
        case WeightResidency::Auto: return "auto";
        case WeightResidency::Resident: return "resident";
        case WeightResidency::Streamed: return "streamed";
    }
    return "auto";
}

WeightResidency resolve_weight_residency(WeightResidency requested, bool on_cpu, std::int64_t model_bytes,
                                         std::optional<std::int64_t> available_bytes) {
    if (requested != WeightResidency::Auto) return requested;
    if (!on_cpu || !available_bytes || model_bytes <= kStreamedModelBytes) return WeightResidency::Resident;
    return 2 * model_bytes > *available_bytes ? WeightResidency::Streamed : WeightResidency::Resident;
}

std::optional<std::int64_t> mem_available_from_meminfo(std::string_view meminfo) {
    constexpr std::string_view key = "MemAvailable:";
    for (const std::string_view line : parts(meminfo, '\n')) {
        if (!line.starts_with(key)) continue;
        const std::string_view value = trimmed(line.substr(key.size()));
        if (!value.ends_with("kB")) return std::nullopt;
        const auto kib = whole_number(trimmed(value.substr(0, value.size() - 2)));
        if (!kib || *kib > (INT64_MAX >> 10)) return std::nullopt;
        return *kib << 10;
    }
    return std::nullopt;
}

std::optional<std::int64_t> cgroup_headroom(std::string_view limit_text, std::string_view usage_text) {
    const auto limit = whole_number(trimmed(limit_text));
    const auto used = whole_number(trimmed(usage_text));
    if (!limit || !used) return std::nullopt;  // "max": no limit; unreadable: none we can use
    return *limit > *used ? *limit - *used : 0;
}

std::optional<std::int64_t> available_memory_bytes() {
    std::optional<std::int64_t> available;
    if (const auto meminfo = file_text("/proc/meminfo")) available = mem_available_from_meminfo(*meminfo);
    const auto cgroups = file_text("/proc/self/cgroup");
    if (!cgroups) return available;
    for (const auto& [limit_file, usage_file] : cgroup_memory_files(*cgroups)) {
        const auto limit = file_text(limit_file.c_str());
        const auto usage = file_text(usage_file.c_str());
        if (!limit || !usage) continue;
        if (const auto headroom = cgroup_headroom(*limit, *usage); headroom && (!available || *headroom < *available))
            available = headroom;
    }
    return available;
}

std::vector<std::pair<std::string, std::string>> cgroup_memory_files(std::string_view proc_self_cgroup) {
    std::vector<std::pair<std::string, std::string>> files;
    for (const std::string_view line : parts(proc_self_cgroup, '\n')) {
        // "0::/path" is the unified (v2) hierarchy; "N:memory:/path" (or "N:a,memory:/path") v1's memory controller.
        const auto first = line.find(':');
        const auto second = first == std::string_view::npos ? first : line.find(':', first + 1);
        if (second == std::string_view::npos) continue;
        const std::vector<std::string_view> controllers = parts(line.substr(first + 1, second - first - 1), ',');
        const std::string path = line.substr(second + 1) == "/" ? std::string() : std::string(line.substr(second + 1));
        if (line.substr(0, first) == "0" && controllers.empty()) {
            files.emplace_back("/sys/fs/cgroup" + path + "/memory.max", "/sys/fs/cgroup" + path + "/memory.current");
        } else if (std::ranges::find(controllers, "memory") != controllers.end()) {
            const auto v1 = [&](const std::string& folder) {
                files.emplace_back(folder + "/memory.limit_in_bytes", folder + "/memory.usage_in_bytes");
            };
            v1("/sys/fs/cgroup/memory" + path);
            if (!path.empty()) v1("/sys/fs/cgroup/memory");  // inside a container the path is often the mount's root
        }
    }
    return files;
}

}  // namespace facemix
