#include "step_pace.h"

#include <numeric>

#include "progress_status.h"

namespace facemix::ui {

void StepPace::add(int steps_done, const std::vector<double>& step_ms) {
    const int advanced = steps_done - last_done_;
    last_done_ = steps_done;
    // A report without a measured step (a cell that failed before sampling) says nothing of the pace.
    if (step_ms.empty() || advanced <= 0) return;
    recent_.push_back({advanced, int(step_ms.size()), std::accumulate(step_ms.begin(), step_ms.end(), 0.0)});
    int calls = 0;
    for (const Report& report : recent_) calls += report.calls;
    while (recent_.size() > 1 && calls - recent_.front().calls >= kRecentSteps) {
        calls -= recent_.front().calls;
        recent_.pop_front();
    }
}

std::optional<double> StepPace::msPerStep() const {
    double ms = 0.0;
    int advanced = 0;
    for (const Report& report : recent_) {
        ms += report.ms;
        advanced += report.advanced;
    }
    if (advanced <= 0) return std::nullopt;
    return ms / advanced;
}

QString StepPace::timeLeft(int steps_done, int steps_total) const {
    const std::optional<double> pace = msPerStep();
    if (!pace || steps_total <= steps_done) return {};
    return time_left(*pace * double(steps_total - steps_done) / 1000.0);
}

}  // namespace facemix::ui
