#include "nn/convolution_layout.h"

namespace facemix {

at::Tensor to_convolution_layout(const at::Tensor& x) {
    return x.is_cpu() && x.dim() == 4 ? x.contiguous(at::MemoryFormat::ChannelsLast) : x;
}

at::Tensor to_standard_layout(const at::Tensor& x) { return x.contiguous(); }

}  // namespace facemix
