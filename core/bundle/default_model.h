#pragma once

#include <filesystem>
#include <vector>

namespace facemix {

// The model facemix opens when none is named: a small face mixer of the synthetic-face domain, trained
// by `facemix train` on `facemix synth` data and committed under models/default/ (its model card is
// beside it), installed to <prefix>/share/facemix/models/default/.
inline constexpr const char* kDefaultModelFile = "facemix-synth48.safetensors";

// Where it is looked for, in order: $FACEMIX_DEFAULT_MODEL (a file), the install prefix of the running
// executable (<bin>/../share/facemix/models/default/), the source tree this build was made from.
std::vector<std::filesystem::path> default_model_candidates();

// The first candidate that exists. Throws InputError, one sentence listing where it looked and how to
// name a model instead, when none does.
std::filesystem::path default_model_path();

}  // namespace facemix
