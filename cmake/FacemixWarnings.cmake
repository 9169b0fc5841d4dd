# One place for the warning policy so every facemix target gets the same flags.
add_library(facemix_warnings INTERFACE)
target_compile_options(facemix_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                                  -Wold-style-cast -Wcast-align -Woverloaded-virtual)
if(FACEMIX_WERROR)
  target_compile_options(facemix_warnings INTERFACE -Werror)
endif()
# GCC 12 at -O3 reports impossible bounds for inlined std::string and std::vector inserts
# (GCC bugs 105329, 105651 and 106199); the diagnostics point into libstdc++, not at our code.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(facemix_warnings INTERFACE -Wno-restrict -Wno-array-bounds -Wno-stringop-overflow)
endif()
