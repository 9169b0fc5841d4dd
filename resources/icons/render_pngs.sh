#!/usr/bin/env bash
# Renders facemix.svg into the PNG sizes of the hicolor icon theme (hicolor/NxN/apps/facemix.png). The
# PNGs are committed, so building and packaging need no SVG renderer; run this after editing the SVG.
# Needs rsvg-convert (Debian: librsvg2-bin), the renderer desktops use for SVG icons: ImageMagick's own
# SVG reader draws the gradient black and strokes every path.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
command -v rsvg-convert >/dev/null || { echo "render_pngs.sh: needs rsvg-convert (apt install librsvg2-bin)" >&2; exit 1; }
for size in 16 24 32 48 64 128 256 512; do
  mkdir -p "$here/hicolor/${size}x${size}/apps"
  rsvg-convert -w "$size" -h "$size" "$here/facemix.svg" -o "$here/hicolor/${size}x${size}/apps/facemix.png"
done
