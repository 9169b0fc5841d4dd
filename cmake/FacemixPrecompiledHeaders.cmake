# A precompiled LibTorch header for the sources that reach LibTorch's module headers (<torch/...>,
# <ATen/ATen.h>): parsing those is most of such a source's compile time, and the precompiled header
# halves it. It is 600 MB, so loading it costs a source that includes only <ATen/core/Tensor.h> five
# times its own compile time: tools/torch_heavy_sources.py picks the sources that gain (in a unity
# build a batch takes it as a whole, so the layers without heavy sources, io, tensor and diffusion,
# get none). Every target that has it shares the one the first compiles: the executables that use
# it are compiled with -fPIC like the layers, since GCC refuses a header precompiled under other
# code-generation flags, and building a second one cost more than it saved. The studio's widgets get
# none, so a tensor header cannot slip into ui/ unseen.
set(FACEMIX_TORCH_PCH_HEADERS
  <ATen/ATen.h>
  <torch/nn/module.h>
  <torch/nn/modules/container/modulelist.h>
  <torch/nn/modules/conv.h>
  <torch/nn/modules/linear.h>
  <torch/nn/modules/normalization.h>
  <nlohmann/json.hpp>
  <string>
  <vector>)
find_package(Python3 REQUIRED COMPONENTS Interpreter)

# One run of tools/torch_heavy_sources.py over every source of the tree, at configure time: the
# targets below only look their sources up in the answer.
file(GLOB_RECURSE _facemix_all_sources CONFIGURE_DEPENDS
  "${PROJECT_SOURCE_DIR}/core/*.cpp" "${PROJECT_SOURCE_DIR}/app/*.cpp" "${PROJECT_SOURCE_DIR}/tests/*.cpp")
execute_process(
  COMMAND "${Python3_EXECUTABLE}" "${PROJECT_SOURCE_DIR}/tools/torch_heavy_sources.py"
          "${PROJECT_SOURCE_DIR}/core" "${PROJECT_SOURCE_DIR}/app" "${PROJECT_SOURCE_DIR}/tests" -- ${_facemix_all_sources}
  OUTPUT_VARIABLE _facemix_heavy_sources COMMAND_ERROR_IS_FATAL ANY)
string(REPLACE "\n" ";" _facemix_heavy_sources "${_facemix_heavy_sources}")
# A changed include can move a source between heavy and light.
set_property(DIRECTORY "${PROJECT_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_facemix_all_sources})
set_property(GLOBAL PROPERTY FACEMIX_TORCH_HEAVY_SOURCES "${_facemix_heavy_sources}")

# Marks every source of `target` that would not gain from the precompiled header.
function(_facemix_skip_light_sources target)
  get_property(heavy GLOBAL PROPERTY FACEMIX_TORCH_HEAVY_SOURCES)
  get_target_property(sources ${target} SOURCES)
  get_target_property(source_dir ${target} SOURCE_DIR)
  foreach(source ${sources})
    if(source MATCHES "\\.cpp$")
      cmake_path(ABSOLUTE_PATH source BASE_DIRECTORY "${source_dir}" OUTPUT_VARIABLE path)
      if(NOT path IN_LIST heavy)
        set_source_files_properties("${path}" TARGET_DIRECTORY ${target} PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
      endif()
    endif()
  endforeach()
endfunction()

# The first target named compiles the header; the others, and any later facemix_torch_pch(target),
# reuse its .gch.
function(facemix_shared_torch_pch first)
  target_precompile_headers(${first} PRIVATE ${FACEMIX_TORCH_PCH_HEADERS})
  _facemix_skip_light_sources(${first})
  set_property(GLOBAL PROPERTY FACEMIX_TORCH_PCH_OWNER ${first})
  foreach(target ${ARGN})
    facemix_torch_pch(${target})
  endforeach()
endfunction()

function(facemix_torch_pch target)
  get_property(owner GLOBAL PROPERTY FACEMIX_TORCH_PCH_OWNER)
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "EXECUTABLE")
    target_compile_options(${target} PRIVATE -fPIC)
  endif()
  target_precompile_headers(${target} REUSE_FROM ${owner})
  _facemix_skip_light_sources(${target})
endfunction()
