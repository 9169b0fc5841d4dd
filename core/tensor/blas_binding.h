#pragma once

#include <string>

namespace facemix {

// The library that this process's Fortran BLAS calls (`sgemm_`) bind to. LibTorch's CPU matrix
// products call `sgemm_`, so when another library in the search order exports it first (Debian's
// reference libblas, pulled in by dlib), every Linear layer runs that library's gemm instead of
// LibTorch's own. cmake/FacemixBlas.cmake orders the link so that LibTorch wins.
struct BlasBinding {
    std::string library;             // the file the symbol resolves to; empty when none exports it
    bool bound_to_libtorch = false;  // LibTorch's own copy (MKL on x86) serves the calls
    bool libtorch_has_blas = false;  // libtorch_cpu.so exports `sgemm_` at all
};

BlasBinding sgemm_binding();

}  // namespace facemix
