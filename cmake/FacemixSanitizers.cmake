# FACEMIX_SANITIZE=ON builds everything with AddressSanitizer and UndefinedBehaviorSanitizer
# (tools/sanitize.sh, run by CI in its own build folder). Undefined behaviour aborts instead of
# printing and going on, so a finding fails its test. LibTorch, OpenCV and dlib come from binary
# packages without instrumentation: ASan still sees every allocation (it replaces malloc), but
# overflows inside those libraries' own code go unseen.
option(FACEMIX_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
if(FACEMIX_SANITIZE)
  set(_facemix_sanitizers -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  # The instrumentation hides initialisations from GCC's flow analysis: -Wmaybe-uninitialized then
  # reports libstdc++'s own std::function and <regex> code (GCC documents such false positives).
  add_compile_options(${_facemix_sanitizers} -Wno-maybe-uninitialized)
  add_link_options(${_facemix_sanitizers})
  message(STATUS "facemix: building with AddressSanitizer and UndefinedBehaviorSanitizer")
endif()
