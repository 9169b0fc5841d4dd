# FACEMIX_SANITIZE=ON builds everything with AddressSanitizer and UndefinedBehaviorSanitizer
# (tools/sanitize.sh, run by CI in its own build folder). Undefined behaviour aborts instead of
# printing and going on, so a finding fails its test. LibTorch, OpenCV and dlib come from binary
# packages without instrumentation: ASan still sees every allocation (it replaces malloc), but
# overflows inside those libraries' own code go unseen.
option(FACEMIX_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
if(FACEMIX_SANITIZE)
  set(_facemix_sanitizers -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_compile_options(${_facemix_sanitizers})
  add_link_options(${_facemix_sanitizers})
  message(STATUS "facemix: building with AddressSanitizer and UndefinedBehaviorSanitizer")
endif()
