#pragma once

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "mix/mix_job.h"
#include <nlohmann/json.hpp>

namespace facemix::cli {

// Peak resident memory of this process so far, or since the last reset_peak_resident().
double peak_resident_gib();
// Starts the peak over from what is resident now (Linux's /proc/self/clear_refs), so one process can
// report the peak of each of several phases. Free heap memory is handed back first.
void reset_peak_resident();
// What this process holds now (Linux /proc): resident memory, open file descriptors, threads.
double resident_mib();
int open_file_count();
int thread_count();

// Stand-in aligned photos: seeded noise, so embedding and sampling see realistic, distinct inputs
// without alignment (which `facemix bench align` measures).
std::vector<MixSource> random_sources(const char* prefix, int count, int size, int seed);

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

// Runs the PyTorch reference tools/goldens/<script> with `arguments` (already shell-quoted) in the facemix
// venv's Python ($FACEMIX_VENV, else ~/.local/share/facemix/venv), in its own process and on the same torch,
// and returns the JSON object it prints last. A reference is optional: nullopt when Python, diffusers or the
// script fails, which the benches report as "not available".
std::optional<nlohmann::json> run_reference_script(const std::string& script, const std::string& arguments);

}  // namespace facemix::cli
