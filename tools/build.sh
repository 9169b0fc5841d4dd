#!/usr/bin/env bash
# Sets up whatever is missing, then configures and builds facemix into build/ (or $FACEMIX_BUILD_DIR).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tools/setup.sh"
source "$root/tools/env.sh"
build=${FACEMIX_BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$FACEMIX_TORCH_PREFIX" -DFACEMIX_WERROR="${FACEMIX_WERROR:-OFF}" ${FACEMIX_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" --parallel "$(nproc)"
