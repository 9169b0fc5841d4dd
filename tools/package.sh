#!/usr/bin/env bash
# Builds the Debian package into out/: a Release build of both executables that links LibTorch's CPU
# libraries only and ships them in /usr/lib/facemix (FACEMIX_BUNDLE_TORCH; packaging/README.md says
# why), made in its own build folder so developer builds keep CUDA. Then checks that nothing links a
# CUDA library and runs cpack.
#   FACEMIX_PACKAGE_BUILD_DIR  build folder (default build-package/)
#   FACEMIX_PACKAGE_OUT        where the .deb goes (default out/)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tools/setup.sh"
source "$root/tools/env.sh"
build=${FACEMIX_PACKAGE_BUILD_DIR:-$root/build-package}
out=${FACEMIX_PACKAGE_OUT:-$root/out}

# Warnings as errors like CI: the compile lines then equal a CI or developer build's, so ccache hands
# over their objects and only the link differs (FacemixPackaging.cmake keeps the LibTorch flags equal).
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$FACEMIX_TORCH_PREFIX" \
  -DFACEMIX_WERROR="${FACEMIX_WERROR:-ON}" -DFACEMIX_BUNDLE_TORCH=ON -DFACEMIX_BUILD_TESTS=OFF ${FACEMIX_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" --parallel "$(nproc)"

# A CUDA library in an executable's NEEDED list would make the package unrunnable without the venv.
for exe in "$build/app/facemix" "$build/app/facemix-studio"; do
  [ -e "$exe" ] || continue
  if readelf -d "$exe" | grep -E 'NEEDED.*\[(libtorch\.so|libtorch_cuda|libc10_cuda|libcuda|libcudart)'; then
    echo "package.sh: $exe links a CUDA library; FACEMIX_BUNDLE_TORCH did not take effect" >&2
    exit 1
  fi
done

mkdir -p "$out"
cpack --config "$build/CPackConfig.cmake" -B "$build/cpack"
for deb in "$build"/cpack/*.deb; do
  cp "$deb" "$out/"
  echo "package.sh: $out/$(basename "$deb") ($(du -h "$deb" | cut -f1))"
done
