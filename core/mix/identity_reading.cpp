#include "mix/identity_reading.h"

namespace facemix {

std::string fallback_reason(IdentityFallback fallback) {
    switch (fallback) {
        case IdentityFallback::None: return {};
        case IdentityFallback::NoDescriptorModel: return "no face-recognition model";
        case IdentityFallback::NoFaceInSource: return "no face found in the face source";
        case IdentityFallback::NoFaceInCell: return "no face found in the cell";
    }
    return {};
}

}  // namespace facemix
