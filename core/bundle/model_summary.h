#pragma once

#include <string>

#include "bundle/model_bundle.h"

namespace facemix {

// A human-readable description of a model for `facemix info`: format and source, each network's
// architecture and parameter count, the condition tokens and the noise schedule.
std::string summarize_model(const ModelBundle& bundle);

std::int64_t parameter_count(const TensorMap& weights);

}  // namespace facemix
