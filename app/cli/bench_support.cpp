#include "cli/bench_support.h"

#include <cstdio>
#include <cstdlib>

#include <sys/resource.h>

namespace facemix::cli {

double peak_resident_gib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / (1024.0 * 1024.0);  // ru_maxrss is in KiB
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
