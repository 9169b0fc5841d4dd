#!/usr/bin/env bash
# Rebuilds models/default/ from nothing but facemix itself: renders the synthetic training set, trains the
# default model on it, evaluates it on held-out identities and copies the bundle, its training config, loss
# curve, final sample grid and evaluation into models/default/ (the model card, README.md there, is
# written by hand from these). Resumable: rerun after an interruption and every stage picks up where it
# stopped. About an hour and a half on a quiet 2-core CPU for the committed 5000 steps.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tools/build.sh"
facemix=${FACEMIX_BUILD_DIR:-$root/build}/app/facemix
work=${1:-$root/out/default-model}
steps=${FACEMIX_DEFAULT_STEPS:-5000}
mkdir -p "$work"
# One OpenMP thread: the small networks gain little from two, and on a busy machine two spin-wait.
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
"$facemix" synth -n 3000 --renders 4 --size 64 --seed 1 -o "$work/synth64"
"$facemix" train --data "$work/synth64" --config "$root/models/default/train_config.json" -o "$work/run" --steps "$steps"
"$facemix" eval -m "$work/run/model.safetensors" -o "$work/eval"
dest="$root/models/default"
cp "$work/run/model.safetensors" "$dest/facemix-synth48.safetensors"
cp "$work/run/loss.csv" "$work/run/loss.png" "$dest/"
cp "$(ls "$work"/run/samples/step_*.png | tail -1)" "$dest/samples.png"
cp "$work/eval/eval.md" "$work/eval/eval.csv" "$work/eval/eval.png" "$dest/"
echo "updated $dest; now update the numbers in $dest/README.md"
