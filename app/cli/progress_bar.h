#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace facemix::cli {

// A one-line progress bar with a count and an ETA on stderr. It draws only when stderr is a
// terminal, so logs and pipes get the per-item result lines and nothing else.
class ProgressBar {
public:
    ProgressBar(std::size_t total, std::string label);
    ~ProgressBar();

    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;

    void update(std::size_t done, const std::string& current = {});
    // Erases the bar so a result line can be printed; the next update() draws it again.
    void clear();
    void finish();

private:
    std::size_t total_;
    std::string label_;
    bool enabled_;
    bool finished_ = false;
    std::chrono::steady_clock::time_point start_;
};

}  // namespace facemix::cli
