# One place for the warning policy so every facemix target gets the same flags.
add_library(facemix_warnings INTERFACE)
target_compile_options(facemix_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                                  -Wold-style-cast -Wcast-align -Woverloaded-virtual)
if(FACEMIX_WERROR)
  target_compile_options(facemix_warnings INTERFACE -Werror)
endif()
