#include "cli/bench_support.h"

#include <cstdio>
#include <cstdlib>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <opencv2/core.hpp>

#include "nn/resident_memory.h"

namespace facemix::cli {

namespace {

// The number on the "Name:" line of /proc/self/status (memory in KiB), -1 when absent.
long status_number(const std::string& name) {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind(name + ":", 0) == 0) return std::stol(line.substr(name.size() + 1));
    return -1;
}

}  // namespace

// VmHWM is what clear_refs resets; getrusage's ru_maxrss may keep an older, higher peak.
double peak_resident_gib() { return static_cast<double>(status_number("VmHWM")) / (1024.0 * 1024.0); }

void reset_peak_resident() {
    // Free heap memory is resident until handed back; a peak started over on top of it would count
    // another phase's leftovers.
    release_free_heap();
    std::ofstream("/proc/self/clear_refs") << "5";
}

double resident_mib() {
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    statm >> pages >> resident;
    return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

int open_file_count() {
    std::error_code error;
    const std::filesystem::directory_iterator fds("/proc/self/fd", error);
    return error ? -1 : static_cast<int>(std::distance(fds, std::filesystem::directory_iterator()));
}

int thread_count() { return static_cast<int>(status_number("Threads")); }

std::vector<MixSource> random_sources(const char* prefix, int count, int size, int seed) {
    std::vector<MixSource> sources;
    cv::RNG rng(static_cast<std::uint64_t>(seed));
    for (int i = 0; i < count; ++i) {
        MixSource source{std::string(prefix) + std::to_string(i + 1), "bench", 0, cv::Mat(size, size, CV_8UC3)};
        rng.fill(source.aligned, cv::RNG::UNIFORM, 0, 256);
        sources.push_back(source);
    }
    return sources;
}

std::optional<nlohmann::json> run_reference_script(const std::string& script, const std::string& arguments) {
    const char* venv = std::getenv("FACEMIX_VENV");
    const char* home = std::getenv("HOME");
    const std::string python = venv ? std::string(venv) + "/bin/python"
                                     : std::string(home ? home : "") + "/.local/share/facemix/venv/bin/python";
    const std::string command =
        "'" + python + "' '" FACEMIX_SOURCE_DIR "/tools/goldens/" + script + "' " + arguments + " 2>/dev/null";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return std::nullopt;
    std::string output;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
    if (::pclose(pipe) != 0) return std::nullopt;
    const auto last_object = output.rfind('{');
    if (last_object == std::string::npos) return std::nullopt;
    try {
        return nlohmann::json::parse(output.substr(last_object));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace facemix::cli
