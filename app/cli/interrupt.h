#pragma once

#include <stop_token>

namespace facemix::cli {

inline constexpr int kExitInterrupted = 130;  // as shells report a SIGINT

// A stop token that Ctrl-C (SIGINT) requests, so a long job stops at its next step and keeps what it
// has finished instead of dying mid-write. A second Ctrl-C ends the process at once.
std::stop_token interrupt_token();

}  // namespace facemix::cli
