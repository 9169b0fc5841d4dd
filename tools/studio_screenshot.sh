#!/usr/bin/env bash
# Regenerates the README's picture of the studio: the real window after a 2x2 Mix with the tiny
# random-weight model (so the cells are noise; the layout is what it shows), rendered offscreen.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tools/build.sh"
build=${FACEMIX_BUILD_DIR:-$root/build}
out=${1:-$root/resources/screenshots/studio.png}
mkdir -p "$(dirname "$out")"
QT_QPA_PLATFORM=offscreen FACEMIX_SCREENSHOT="$out" \
  "$build/tests/facemix_gui_tests" StudioGenerationTest mixFillsTheGridWithoutFreezingTheWindow
echo "$out"
