#include "cli/progress_bar.h"

#include <cstdio>
#include <unistd.h>

namespace facemix::cli {

ProgressBar::ProgressBar(std::size_t total, std::string label)
    : total_(total), label_(std::move(label)), enabled_(::isatty(STDERR_FILENO) != 0), start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(std::size_t done, const std::string& current) {
    if (!enabled_ || finished_ || total_ == 0) return;
    constexpr int width = 30;
    const double fraction = static_cast<double>(done) / static_cast<double>(total_);
    const int filled = static_cast<int>(fraction * width);
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double eta = done > 0 ? elapsed / static_cast<double>(done) * static_cast<double>(total_ - done) : 0.0;
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(width, '-');
    std::fprintf(stderr, "\r\033[K%s [%s] %zu/%zu  ETA %.0fs  %s", label_.c_str(), bar.c_str(), done, total_, eta,
                 current.substr(0, 40).c_str());
    std::fflush(stderr);
}

void ProgressBar::clear() {
    if (!enabled_ || finished_) return;
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
}

void ProgressBar::finish() {
    clear();
    finished_ = true;
}

}  // namespace facemix::cli
