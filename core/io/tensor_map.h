#pragma once

#include <map>
#include <string>

// The name of the weight readers' unit without LibTorch's headers, so that a config that can be read
// off weights (nn/*_config.h) still parses its JSON form in code that links no LibTorch (the fuzz
// targets). Code that touches the tensors includes io/safetensors.h or LibTorch itself.
namespace at {
class Tensor;
}

namespace facemix {

// Named tensors in a stable (sorted) order, the unit every weight reader returns and every writer takes.
using TensorMap = std::map<std::string, at::Tensor>;

}  // namespace facemix
