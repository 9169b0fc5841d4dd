# ccache turns CI's and developers' rebuilds of the heavy LibTorch translation units into cache hits.
# CCACHE_BASEDIR makes paths inside the checkout relative, so two clones in different folders (a
# developer's tree and CI's fresh clone) share their cache entries. The sloppiness lets ccache cache
# the translation units that use a precompiled header (FacemixPrecompiledHeaders), which GCC then
# has to find through -fpch-preprocess.
find_program(FACEMIX_CCACHE ccache)
if(FACEMIX_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${CMAKE_COMMAND};-E;env;CCACHE_BASEDIR=${CMAKE_SOURCE_DIR};CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime;${FACEMIX_CCACHE}")
  add_compile_options(-fpch-preprocess)
  message(STATUS "facemix: compiling through ${FACEMIX_CCACHE}")
endif()
