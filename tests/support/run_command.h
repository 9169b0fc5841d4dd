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

// Runs the facemix CLI built with the tests with these arguments, capturing both streams.
CommandResult run_facemix(const std::vector<std::string>& arguments);

}  // namespace facemix::test
