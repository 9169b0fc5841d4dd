#include "tensor/blas_binding.h"

#include <gtest/gtest.h>

namespace facemix {
namespace {

// Debian's libblas.so.3 (netlib's reference gemm unless an optimised alternative is installed) came
// first in the link through dlib, and LibTorch's matrix products bound to it: CLIP's Linear layers
// ran several times slower. The link order now lets LibTorch's own copy win.
TEST(BlasBinding, LibTorchMatrixProductsUseLibTorchsOwnBlas) {
    const BlasBinding binding = sgemm_binding();
    // The pinned wheel (tools/setup.sh) carries MKL; a LibTorch without its own gemm would leave the
    // reference BLAS in charge, which is the slowness this test is here to catch.
    ASSERT_TRUE(binding.libtorch_has_blas) << "libtorch_cpu.so exports no sgemm_ of its own";
    EXPECT_TRUE(binding.bound_to_libtorch) << "sgemm_ binds to " << binding.library;
    EXPECT_NE(binding.library.find("libtorch_cpu"), std::string::npos) << binding.library;
}

}  // namespace
}  // namespace facemix
