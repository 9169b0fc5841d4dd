# A precompiled LibTorch header for the sources that reach LibTorch's module headers (<torch/...>,
# <ATen/ATen.h>): parsing those is most of such a source's compile time, and the precompiled header
# halves it. It is 600 MB, so loading it costs a source that includes only <ATen/core/Tensor.h> five
# times its own compile time: tools/torch_heavy_sources.py picks the sources that gain. The static
# layers share one precompiled header (same flags: -fPIC, the same warnings); the executables, built
# without -fPIC, compile their own. The studio's widgets get none, so a tensor header cannot slip
# into ui/ unseen.
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

# The first target named compiles the header; the others reuse its .gch.
function(facemix_shared_torch_pch first)
  target_precompile_headers(${first} PRIVATE ${FACEMIX_TORCH_PCH_HEADERS})
  _facemix_skip_light_sources(${first})
  foreach(target ${ARGN})
    target_precompile_headers(${target} REUSE_FROM ${first})
    _facemix_skip_light_sources(${target})
  endforeach()
endfunction()

function(facemix_torch_pch target)
  target_precompile_headers(${target} PRIVATE ${FACEMIX_TORCH_PCH_HEADERS})
  _facemix_skip_light_sources(${target})
endfunction()
