#!/usr/bin/env bash
# Quick start, first command: sets up and builds whatever is missing, then opens the studio (which opens
# the bundled default model); on a machine without a display it runs the CLI instead: synthetic faces
# the default model never saw, mixed with it into a grid.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tools/build.sh"
build=${FACEMIX_BUILD_DIR:-$root/build}
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "$#" -eq 0 ]; then
  exec "$build/app/facemix-studio"
fi
if [ "$#" -gt 0 ]; then exec "$build/app/facemix" "$@"; fi
out=${FACEMIX_OUT:-$root/out}
facemix="$build/app/facemix"
echo "No display: mixing three new synthetic faces with three synthetic settings on the bundled default"
echo "model (models/default/); results in $out/mix/contact_sheet.png"
# Seed 2026: identities outside the default model's training set (seed 1).
"$facemix" synth -n 6 --renders 1 --size 64 --seed 2026 -o "$out/synthetic-sources" >/dev/null
src="$out/synthetic-sources"
exec "$facemix" mix --aligned \
  --faces "$src/id0000_r0.png" "$src/id0001_r0.png" "$src/id0002_r0.png" \
  --backgrounds "$src/id0003_r0.png" "$src/id0004_r0.png" "$src/id0005_r0.png" \
  --seed-policy fixed --steps 30 -o "$out/mix"
