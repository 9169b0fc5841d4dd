#!/usr/bin/env bash
# Quick start, first command: sets up and builds whatever is missing, then opens the studio; on a
# machine without a display it runs the CLI on the bundled sample instead.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tools/build.sh"
build=${FACEMIX_BUILD_DIR:-$root/build}
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "$#" -eq 0 ]; then
  exec "$build/app/facemix-studio"
fi
if [ "$#" -gt 0 ]; then exec "$build/app/facemix" "$@"; fi
out=${FACEMIX_OUT:-$root/out}
echo "No display: running the CLI. Aligning the sample photo into $out/ ..."
exec "$build/app/facemix" align "$root/resources/samples" -o "$out"
