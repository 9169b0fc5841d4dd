#pragma once

#include <cstdint>
#include <filesystem>

#include "train/train_config.h"

namespace facemix::test {

// 6 identities x 3 renders at 64 px, rendered once for the whole test run.
const std::filesystem::path& tiny_dataset();

// The tiny-pixel architecture at 16 px, with a recipe that learns visibly in a few dozen steps.
TrainConfig tiny_config(std::int64_t steps);

}  // namespace facemix::test
