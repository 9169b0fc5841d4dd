# Sourced by the build scripts: where the set-up put LibTorch and how CMake finds it.
FACEMIX_VENV=${FACEMIX_VENV:-$HOME/.local/share/facemix/venv}
FACEMIX_TORCH_PREFIX=$("$FACEMIX_VENV/bin/python" -c 'import torch.utils; print(torch.utils.cmake_prefix_path)')
export FACEMIX_VENV FACEMIX_TORCH_PREFIX
