#pragma once

#include <filesystem>
#include <vector>

#include "bundle/model_bundle.h"
#include "mix/mix_engine.h"
#include "mix/mix_job.h"

namespace facemix::test {

// The "tiny" face-mixer architecture with seeded random weights: real code, fast enough for tests.
const ModelBundle& tiny_bundle();

// An engine on tiny_bundle() on the CPU in fp32, built once: for tests that need its encoder.
MixEngine& tiny_cpu_engine();

// Stand-in aligned faces: square images of smooth random colour fields, distinct per seed.
MixSource synthetic_source(const std::string& name, int seed, int size = 64);

}  // namespace facemix::test
