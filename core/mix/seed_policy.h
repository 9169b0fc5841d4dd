#pragma once

#include <string>

// Free of LibTorch and OpenCV, so the studio's settings (and their fuzz target) can name seed
// policies without reaching the job types of mix/mix_job.h.
namespace facemix {

// How the cells of a grid get their seeds (mix/mix_job.h's grid_cells): PerCell counts up from the
// seed in reading order, Fixed gives every cell the same one.
enum class SeedPolicy { Fixed, PerCell };
SeedPolicy seed_policy_from_name(const std::string& name);  // "fixed" | "per-cell"; InputError

}  // namespace facemix
