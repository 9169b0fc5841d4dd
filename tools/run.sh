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
samples="$root/../shared/testdata/faces"
if [ ! -d "$samples" ]; then
  echo "No display and no sample photos; try: bash tools/run.sh align YOUR_PHOTO.jpg -o out/"
  exec "$build/app/facemix" --help
fi
echo "No display: running the CLI on sample photos, results in $out/"
exec "$build/app/facemix" align "$samples/facerec_two_people.jpg" "$samples/deepface_img1.jpg" -o "$out"
