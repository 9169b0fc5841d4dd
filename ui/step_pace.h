#pragma once

#include <deque>
#include <optional>
#include <vector>

#include <QString>

namespace facemix::ui {

// How fast a run goes now, from the step times the generation worker measured: the time per step over
// its most recent steps, so the time left follows the run (the first step, which also builds the engine
// and embeds the sources, and a machine that got busier) instead of averaging over all of it.
class StepPace {
public:
    static constexpr int kRecentSteps = 24;  // denoising steps (UNet calls) the pace is measured over

    // A progress report: how many of the run's counted steps (cells × steps) are done now, and the wall
    // time of each denoising step since the last report. A batch step advances several counted steps.
    void add(int steps_done, const std::vector<double>& step_ms);
    // Milliseconds per counted step; none before a step was measured.
    std::optional<double> msPerStep() const;
    // "about 20 s left": the steps not done at the recent pace; empty before a step was measured.
    QString timeLeft(int steps_done, int steps_total) const;

private:
    struct Report {
        int advanced = 0;  // counted steps
        int calls = 0;     // denoising steps measured
        double ms = 0.0;
    };
    std::deque<Report> recent_;
    int last_done_ = 0;
};

}  // namespace facemix::ui
