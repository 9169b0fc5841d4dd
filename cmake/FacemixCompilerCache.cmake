# ccache turns CI's and developers' rebuilds of the heavy LibTorch translation units into cache hits.
find_program(FACEMIX_CCACHE ccache)
if(FACEMIX_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${FACEMIX_CCACHE}")
  message(STATUS "facemix: compiling through ${FACEMIX_CCACHE}")
endif()
