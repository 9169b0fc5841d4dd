#pragma once

#include <QString>

#include "bundle/model_capabilities.h"

namespace facemix::ui {

// The model panel's plain words for what the open model can do: what it was trained on, its native
// resolution and where its face token comes from (rich text, a few lines).
QString capability_text(const facemix::ModelCapabilities& capabilities);

// For a model that is not of real photos: which public weights to get for real photos and how to bring
// them in (the README's "For real photos"), since facemix never downloads anything. Empty for a model of
// real photos.
QString real_weights_hint(const facemix::ModelCapabilities& capabilities);

}  // namespace facemix::ui
