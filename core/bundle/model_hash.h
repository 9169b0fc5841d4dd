#pragma once

#include <string>

#include "bundle/model_bundle.h"

namespace facemix {

// A digest of what makes a model behave as it does: every weight's name, dtype, shape and bytes, plus
// the manifest minus its provenance. The same weights therefore hash the same whether they were read
// from an LDM checkpoint, a diffusers folder or the facemix bundle converted from them (in the same
// dtype), so a recipe can name its model independently of the file it was opened from.
std::string model_hash(const ModelBundle& bundle);

}  // namespace facemix
