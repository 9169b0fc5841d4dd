#include "tensor/blas_binding.h"

#include <dlfcn.h>

namespace facemix {

namespace {

// Every LibTorch build loads libtorch_cpu.so; RTLD_NOLOAD finds the copy already mapped.
void* libtorch_cpu_sgemm() {
    void* handle = dlopen("libtorch_cpu.so", RTLD_LAZY | RTLD_NOLOAD);
    if (handle == nullptr) return nullptr;
    void* symbol = dlsym(handle, "sgemm_");
    dlclose(handle);
    return symbol;
}

}  // namespace

BlasBinding sgemm_binding() {
    BlasBinding binding;
    void* bound = dlsym(RTLD_DEFAULT, "sgemm_");
    Dl_info info{};
    if (bound != nullptr && dladdr(bound, &info) != 0 && info.dli_fname != nullptr) binding.library = info.dli_fname;
    void* own = libtorch_cpu_sgemm();
    binding.libtorch_has_blas = own != nullptr;
    binding.bound_to_libtorch = own != nullptr && own == bound;
    return binding;
}

}  // namespace facemix
