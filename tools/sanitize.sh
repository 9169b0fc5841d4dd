#!/usr/bin/env bash
# The core and CLI suites under AddressSanitizer + UndefinedBehaviorSanitizer, in their own build
# folder (build-sanitize/ or $FACEMIX_SANITIZE_DIR; ccache'd like the main build). CI runs it after
# the README's test command. Left out, because they gain nothing from instrumenting facemix: the GUI
# suites (Qt is not instrumented and the studio's logic is tested through core), the clang fuzz
# targets (tools/fuzz.sh builds them with both sanitizers already), the layer check (Python), and the
# broken-input corpus, which runs the same parsers as the fuzz targets and each command's edge tests
# here, but for six minutes; and the two checks of resident memory (freed heap goes back to the system;
# 300 generations keep memory flat), which measure glibc's malloc, while AddressSanitizer replaces it
# with its own that holds freed blocks in a quarantine of up to 256 MiB (the soak grew 97 MiB there).
# Also the bench's comparison with diffusers, which would spend minutes timing a full-size random SD v1
# at -O1 to check a JSON line and two ratios (the other bench mix test runs here).
# -O1 with line tables only is what AddressSanitizer's own documentation
# suggests, and compiles faster than -O2 -g. Extra arguments go to ctest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tools/setup.sh"
source "$root/tools/env.sh"
build=${FACEMIX_SANITIZE_DIR:-$root/build-sanitize}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DFACEMIX_SANITIZE=ON -DFACEMIX_BUILD_STUDIO=OFF \
  -DCMAKE_PREFIX_PATH="$FACEMIX_TORCH_PREFIX" -DFACEMIX_WERROR="${FACEMIX_WERROR:-ON}" >/dev/null
cmake --build "$build" --parallel "$(nproc)" --target facemix facemix_tests
# LibTorch's CUDA libraries need the shadow gap unprotected should a GPU be there; leaks fail the run.
export ASAN_OPTIONS=${ASAN_OPTIONS:-protect_shadow_gap=0:detect_leaks=1:abort_on_error=0:exitcode=23}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
jobs=$(nproc)  # before OMP_NUM_THREADS is set: nproc honours it
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
ctest --test-dir "$build" --output-on-failure --parallel "$jobs" -E '^(gui\.|fuzz\.|layers\.|BadInputCorpus\.|ResidentMemory\.FreeHeapGoesBackToTheSystem$|BenchSoakCli\.|BenchMixCli\.ComparesSdV1WithDiffusersImageVariationsInTheSameRun$)' "$@"
