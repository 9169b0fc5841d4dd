#include "cli/interrupt.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

namespace facemix::cli {

namespace {

volatile std::sig_atomic_t interrupted = 0;

extern "C" void on_interrupt(int) {
    if (interrupted) std::_Exit(kExitInterrupted);
    interrupted = 1;
}

}  // namespace

std::stop_token interrupt_token() {
    static std::stop_source source;
    // request_stop is not async-signal-safe, so the handler only sets a flag and this thread forwards it.
    static std::jthread watcher = [] {
        std::signal(SIGINT, on_interrupt);
        return std::jthread([](std::stop_token own) {
            while (!own.stop_requested() && !interrupted) std::this_thread::sleep_for(std::chrono::milliseconds(20));
            if (interrupted) source.request_stop();
        });
    }();
    return source.get_token();
}

}  // namespace facemix::cli
