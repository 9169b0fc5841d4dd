# LibTorch comes from the pip `torch` wheel; tools/setup.sh passes torch.utils.cmake_prefix_path
# as CMAKE_PREFIX_PATH. The wheel is CUDA-enabled, and TorchConfig.cmake insists on a CUDA
# toolkit at configure time. A machine without nvcc can still run the CPU path of the very same
# libraries, so when TorchConfig refuses we build the imported target from the wheel's own files.
# facemix compiles no CUDA code of its own; naming an architecture list stops TorchConfig from
# test-compiling a CUDA program to detect GPUs, which fails under a C++20 default standard.
if(NOT DEFINED ENV{TORCH_CUDA_ARCH_LIST})
  set(ENV{TORCH_CUDA_ARCH_LIST} "8.0;9.0")
endif()
find_package(Torch QUIET)
# facemix_first_in_search_order(<variable> [library...]) sets <variable> to one link flag that puts
# libstdc++, then the given libraries, first in the dynamic symbol search order. libtorch.so exports
# its own copy of std::filesystem, and some of those symbols are broken (remove_all jumps to address
# 0): with libstdc++ first every library, LibTorch included, uses the real one. One flag rather than
# separate items, because CMake would drop the push/pop pair and a repeated library as duplicates.
function(facemix_first_in_search_order variable)
  set(libraries -lstdc++ ${ARGN})
  list(JOIN libraries "," libraries)
  set(${variable} "-Wl,--push-state,--no-as-needed,${libraries},--pop-state" PARENT_SCOPE)
endfunction()

add_library(facemix_torch INTERFACE)
facemix_first_in_search_order(_facemix_stdlib_first)
target_link_libraries(facemix_torch INTERFACE "${_facemix_stdlib_first}")
if(Torch_FOUND)
  find_library(FACEMIX_LIBTORCH_CPU torch_cpu PATHS "${TORCH_INSTALL_PREFIX}/lib" NO_DEFAULT_PATH REQUIRED)
  target_link_libraries(facemix_torch INTERFACE ${TORCH_LIBRARIES})
  target_include_directories(facemix_torch SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})
  message(STATUS "facemix: LibTorch from TorchConfig.cmake (${TORCH_INSTALL_PREFIX})")
else()
  find_path(FACEMIX_TORCH_CONFIG_DIR TorchConfig.cmake PATH_SUFFIXES Torch REQUIRED)
  get_filename_component(_torch_root "${FACEMIX_TORCH_CONFIG_DIR}/../../.." ABSOLUTE)
  find_library(FACEMIX_LIBTORCH torch PATHS "${_torch_root}/lib" NO_DEFAULT_PATH REQUIRED)
  find_library(FACEMIX_LIBTORCH_CPU torch_cpu PATHS "${_torch_root}/lib" NO_DEFAULT_PATH REQUIRED)
  find_library(FACEMIX_LIBC10 c10 PATHS "${_torch_root}/lib" NO_DEFAULT_PATH REQUIRED)
  # libtorch.so itself pulls in the CUDA libraries through its RPATH when they exist.
  target_link_libraries(facemix_torch INTERFACE "-Wl,--no-as-needed" ${FACEMIX_LIBTORCH} "-Wl,--as-needed"
                                                ${FACEMIX_LIBTORCH_CPU} ${FACEMIX_LIBC10})
  target_include_directories(facemix_torch SYSTEM INTERFACE "${_torch_root}/include"
                                                            "${_torch_root}/include/torch/csrc/api/include")
  target_compile_definitions(facemix_torch INTERFACE _GLIBCXX_USE_CXX11_ABI=1)
  message(STATUS "facemix: LibTorch from ${_torch_root} (TorchConfig.cmake found no CUDA toolkit; CPU build of the same libraries)")
endif()
