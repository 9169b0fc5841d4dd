#include "support/run_command.h"

#include "support/test_data.h"

#include <fstream>
#include <sstream>
#include <sys/wait.h>

namespace facemix::test {
namespace {

std::string quoted(const std::string& text) {
    std::string result = "'";
    for (char c : text) {
        if (c == '\'')
            result.append("'\\''");
        else
            result.push_back(c);
    }
    result.push_back('\'');
    return result;
}

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

CommandResult run_facemix(const std::vector<std::string>& arguments, const RunOptions& options) {
    TempDir capture;
    std::string command;
    if (!options.environment.empty()) command += "env " + quoted(options.environment) + " ";
    if (options.timeout_s > 0) command += "timeout -k 5 " + std::to_string(options.timeout_s) + " ";
    command += quoted(FACEMIX_CLI_PATH);
    for (const auto& argument : arguments) command += " " + quoted(argument);
    command += " >" + quoted((capture.path() / "out").string()) + " 2>" + quoted((capture.path() / "err").string()) + " </dev/null";
    if (!options.interrupt_once_png_in.empty()) {
        // In the background, where sh ignores SIGINT for it until facemix installs its own handler;
        // `wait` then gives its exit code. The signal goes to facemix itself, not to a `timeout` around
        // it: timeout would send it twice (to facemix and to its process group; a second SIGINT ends
        // facemix at once) and then SIGKILL it after its 5-second grace, before a stopped job's ranking
        // and sheet are written.
        const std::string folder = quoted(options.interrupt_once_png_in.string());
        command += " & pid=$!; while kill -0 $pid 2>/dev/null; do set -- " + folder +
                   "/*.png; [ -e \"$1\" ] && break; sleep 0.05; done; child=$(cat /proc/$pid/task/$pid/children 2>/dev/null); "
                   "kill -INT ${child:-$pid} 2>/dev/null; wait $pid";
    }
    const int status = std::system(command.c_str());
    CommandResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = slurp(capture.path() / "out");
    result.err = slurp(capture.path() / "err");
    return result;
}

}  // namespace facemix::test
