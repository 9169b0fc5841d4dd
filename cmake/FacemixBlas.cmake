# LibTorch's CPU matrix products call the Fortran BLAS symbol `sgemm_`, and libtorch_cpu.so carries
# its own optimised copy (MKL on x86). The dynamic linker binds such a call to the first library in
# the executable's search order that exports the symbol, and dlib's imported target names Debian's
# libblas.so (the unoptimised netlib reference by default) ahead of LibTorch. Every Linear layer and
# attention product then ran the reference gemm (see tests/tensor/blas_binding_test.cpp, which checks
# the binding). dlib's templates do call BLAS from our own objects (cblas_dgemm, dgesvd_), so the
# system BLAS stays on the link line, just after libtorch_cpu: LibTorch's copy wins every lookup,
# and what it lacks (the cblas_ and LAPACK entry points) still comes from Debian's libraries.
get_target_property(_dlib_links dlib::dlib INTERFACE_LINK_LIBRARIES)
set(_system_blas ${_dlib_links})
list(FILTER _system_blas INCLUDE REGEX "/lib(blas|lapack)\\.so$")
list(FILTER _dlib_links EXCLUDE REGEX "/lib(blas|lapack)\\.so$")
add_library(facemix_blas INTERFACE)
facemix_first_in_search_order(_facemix_torch_blas_first "${FACEMIX_LIBTORCH_CPU}")
target_link_libraries(facemix_blas INTERFACE "${_facemix_torch_blas_first}" ${_system_blas})
set_target_properties(dlib::dlib PROPERTIES INTERFACE_LINK_LIBRARIES "${_dlib_links};facemix_blas")
