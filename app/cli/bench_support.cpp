#include "cli/bench_support.h"

#include <cstdio>
#include <cstdlib>

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <opencv2/core.hpp>

namespace facemix::cli {

double peak_resident_gib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / (1024.0 * 1024.0);  // ru_maxrss is in KiB
}

void reset_peak_resident() { std::ofstream("/proc/self/clear_refs") << "5"; }

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

int thread_count() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
    return -1;
}

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
