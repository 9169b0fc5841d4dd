#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace facemix::test {

struct CommandResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

struct RunOptions {
    int timeout_s = 0;        // > 0: killed after this long; the exit code is then kTimedOut
    std::string environment;  // "NAME=value" set for the command only
    // Not empty: Ctrl-C (SIGINT) is sent to the command once this folder holds a .png, as a user stops
    // a job after its first cell.
    std::filesystem::path interrupt_once_png_in = {};
};
// The exit code of a run that took longer than its timeout (coreutils' timeout); a signal gives 128+n.
inline constexpr int kTimedOut = 124;

// Runs the facemix CLI built with the tests with these arguments, capturing both streams.
CommandResult run_facemix(const std::vector<std::string>& arguments, const RunOptions& options = {});

}  // namespace facemix::test
