#!/usr/bin/env bash
# Sets up whatever is missing, then configures and builds facemix into build/ (or $FACEMIX_BUILD_DIR).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tools/setup.sh"
source "$root/tools/env.sh"
build=${FACEMIX_BUILD_DIR:-$root/build}
# CI builds with warnings as errors; elsewhere they stay warnings unless FACEMIX_WERROR=ON.
werror=${FACEMIX_WERROR:-$([ "${CI:-}" = true ] && echo ON || echo OFF)}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$FACEMIX_TORCH_PREFIX" -DFACEMIX_WERROR="$werror" ${FACEMIX_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" --parallel "$(nproc)"
