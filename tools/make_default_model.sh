#!/usr/bin/env bash
# Rebuilds models/default/ from facemix and the LFW photos beside the checkout (../shared/data/lfw, never
# copied into the repository): prepares the photo set (one person per folder, a tenth of the people held
# out), trains the two face-mixer variants of the seed on the same data and budget, side by side on one
# thread each (face token from dlib's descriptor, or from the jointly trained encoder), evaluates both on
# the held-out people and, when the descriptor variant meets its eval's goals, copies it, its config,
# loss curve, samples and both evaluations into models/default/ (the model card, README.md there, is written from these).
# Resumable: rerun after an interruption and every stage picks up where it stopped.
#   FACEMIX_DEFAULT_STEPS  optimizer steps of each variant (default 3000)
#   FACEMIX_LFW            the LFW folder (default ../shared/data/lfw)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tools/build.sh"
facemix=${FACEMIX_BUILD_DIR:-$root/build}/app/facemix
work=${1:-$root/out/default-model}
steps=${FACEMIX_DEFAULT_STEPS:-3000}
lfw=${FACEMIX_LFW:-$root/../shared/data/lfw}
mkdir -p "$work"

# The people with two or more photos (retrieval pairs: the face token from another photo of the person),
# at most 8 photos each so the few much-photographed people do not dominate.
mapfile -t people < <(awk -F, -v dir="$lfw/images" 'NR > 1 && $2 >= 2 {print dir "/" $1}' "$lfw/identities.csv")
"$facemix" prep --identity-from folders --max-per-person 8 --held-out 0.1 -o "$work/lfw" "${people[@]}"

# One OpenMP thread each: two small networks on two cores gain nothing from more, and spin-wait.
export OMP_NUM_THREADS=1
for variant in descriptor encoder; do
  "$facemix" train --data "$work/lfw" --config "real64-$variant" -o "$work/$variant" --steps "$steps" \
    > "$work/train-$variant.log" 2>&1 &
done
wait
for variant in descriptor encoder; do
  "$facemix" eval --data "$work/lfw" -m "$work/$variant/model.safetensors" -o "$work/eval-$variant"
done

# The default changes only for a model that mixes: its held-out eval must meet every goal. The
# sample grids and contact sheets hold LFW photos and stay in $work; only tables and bar charts are copied.
if grep -q "not met" "$work/eval-descriptor/eval.md"; then
  echo "the descriptor model misses a goal of its eval ($work/eval-descriptor/eval.md); models/default left as it is"
  exit 1
fi
dest="$root/models/default"
cp "$work/descriptor/model.safetensors" "$dest/facemix-lfw64.safetensors"
cp "$work/descriptor/config.json" "$dest/train_config.json"
cp "$work/descriptor/loss.csv" "$work/descriptor/loss.png" "$dest/"
for variant in descriptor encoder; do
  mkdir -p "$dest/eval-$variant"
  cp "$work/eval-$variant"/eval.md "$work/eval-$variant"/eval.csv "$work/eval-$variant"/eval.png "$dest/eval-$variant/"
done
echo "updated $dest; now update the numbers in $dest/README.md"
