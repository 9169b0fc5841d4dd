#!/usr/bin/env bash
# Quick start, first command: sets up and builds whatever is missing, then opens the studio (which opens
# the bundled default model); on a machine without a display it runs the CLI instead: real test photos
# from ../shared/testdata/faces (synthetic faces the default model never saw, where those are absent)
# mixed with it into a grid.
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
# The shared test photos beside the checkout, used where they are (never copied into the repo): six
# single-face photos of six different people (identities.csv), three as faces, three as backgrounds.
photos="$root/../shared/testdata/faces"
faces=(deepface_img1.jpg facerec_obama.jpg deepface_img13.jpg)
backgrounds=(photomaker_scarlett_1.jpg facerec_biden2.jpg dlib_Tom_Cruise_avp_2014_4.jpg)
have_photos=1
for name in "${faces[@]}" "${backgrounds[@]}"; do [ -f "$photos/$name" ] || have_photos=0; done
if [ "$have_photos" = 1 ]; then
  echo "No display: mixing three real photos (faces) with three others (backgrounds) from $photos on the"
  echo "bundled default model (models/default/, a synthetic-face model: it draws cartoon faces of real photos);"
  echo "results in $out/mix/contact_sheet.png"
  exec "$facemix" mix \
    --faces "${faces[@]/#/$photos/}" \
    --backgrounds "${backgrounds[@]/#/$photos/}" \
    --seed-policy fixed --steps 30 -o "$out/mix"
fi
echo "No display, and the test photos are not in $photos: mixing three new synthetic faces with three"
echo "synthetic settings on the bundled default model (models/default/) instead; results in $out/mix/contact_sheet.png"
# Seed 2026: identities outside the default model's training set (seed 1).
"$facemix" synth -n 6 --renders 1 --size 64 --seed 2026 -o "$out/synthetic-sources" >/dev/null
src="$out/synthetic-sources"
exec "$facemix" mix --aligned \
  --faces "$src/id0000_r0.png" "$src/id0001_r0.png" "$src/id0002_r0.png" \
  --backgrounds "$src/id0003_r0.png" "$src/id0004_r0.png" "$src/id0005_r0.png" \
  --seed-policy fixed --steps 30 -o "$out/mix"
