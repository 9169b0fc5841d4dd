#!/usr/bin/env bash
# Sets up whatever is missing, then configures and builds facemix into build/ (or $FACEMIX_BUILD_DIR).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tools/setup.sh"
source "$root/tools/env.sh"
build=${FACEMIX_BUILD_DIR:-$root/build}
# CI builds with warnings as errors; elsewhere a build directory keeps the setting it was configured
# with (warnings only when new) unless FACEMIX_WERROR says otherwise: flipping it would change every
# compile line and rebuild nearly everything.
werror=${FACEMIX_WERROR:-$([ "${CI:-}" = true ] && echo ON || true)}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$FACEMIX_TORCH_PREFIX" ${werror:+-DFACEMIX_WERROR="$werror"} ${FACEMIX_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" --parallel "$(nproc)"
