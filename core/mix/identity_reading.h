#pragma once

#include <string>

namespace facemix {

// What one identity reading of a generated cell measures. The dlib descriptor distance is the real
// identity meter; the encoder cosine is what is left when no descriptor can be had, and it says less
// (the encoder describes images, it was not trained to tell people apart).
enum class IdentityMeasure {
    DescriptorDistance,  // dlib face-descriptor distance to the face source: [0, 2], under 0.6 the same person
    EncoderCosine,       // cosine of the model encoder's face-crop embeddings: [-1, 1], 1 for identical crops
};

// Why a reading is an encoder cosine rather than a descriptor distance.
enum class IdentityFallback {
    None,               // it is a descriptor distance
    NoDescriptorModel,  // the face-recognition model file is missing or unreadable
    NoFaceInSource,     // dlib finds no face in the face source
    NoFaceInCell,       // dlib finds no face in the generated cell
};

// How much of its face source's identity a cell kept. Plain numbers, so the studio can carry it to the
// GUI thread and plot it without any tensor code.
struct IdentityReading {
    IdentityMeasure measure = IdentityMeasure::EncoderCosine;
    double value = 0.0;
    IdentityFallback fallback = IdentityFallback::None;
};

// A few words for a person: "no face-recognition model", "no face found in the cell"; empty for None.
std::string fallback_reason(IdentityFallback fallback);

}  // namespace facemix
