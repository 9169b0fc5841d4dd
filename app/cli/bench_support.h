#pragma once

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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

// Runs the PyTorch reference tools/goldens/<script> with `arguments` (already shell-quoted) in the facemix
// venv's Python ($FACEMIX_VENV, else ~/.local/share/facemix/venv), in its own process and on the same torch,
// and returns the JSON object it prints last. A reference is optional: nullopt when Python, diffusers or the
// script fails, which the benches report as "not available".
std::optional<nlohmann::json> run_reference_script(const std::string& script, const std::string& arguments);

}  // namespace facemix::cli
