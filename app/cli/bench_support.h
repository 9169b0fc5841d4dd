#pragma once

#include <algorithm>
#include <chrono>
#include <vector>

namespace facemix::cli {

// Peak resident memory of this process so far.
double peak_resident_gib();

// The median wall time of `runs` calls after one warm-up call (the first pays for allocation and kernel
// selection).
template <typename Work>
double median_ms(int runs, Work&& work) {
    work();
    std::vector<double> times;
    for (int r = 0; r < runs; ++r) {
        const auto start = std::chrono::steady_clock::now();
        work();
        times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

}  // namespace facemix::cli
