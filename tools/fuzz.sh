#!/usr/bin/env bash
# Builds every libFuzzer target in tests/fuzz/ with clang and runs each for a while.
# A target names the pure (LibTorch-free) sources it links in one comment line:
#   // fuzz-sources: core/io/safetensors_header.cpp
# Usage: tools/fuzz.sh [seconds per target, default 30]. Skips (exit 0) when clang is absent.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-30}
clang=$(command -v clang++-14 || command -v clang++ || true)
if [ -z "$clang" ]; then echo "fuzz: no clang++ on this machine; skipped"; exit 0; fi
out=${FACEMIX_FUZZ_DIR:-$root/build-fuzz}
mkdir -p "$out"
status=0
for target in "$root"/tests/fuzz/*_fuzz.cpp; do
  [ -e "$target" ] || continue
  name=$(basename "$target" .cpp)
  sources=$(sed -n 's|^// fuzz-sources:||p' "$target")
  # shellcheck disable=SC2086
  "$clang" -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$root/core" $(for s in $sources; do echo "$root/$s"; done) "$target" -o "$out/$name"
  corpus="$out/$name.corpus"; mkdir -p "$corpus"
  seeds="$root/tests/fuzz/seeds/$name"
  echo "fuzz: $name for ${seconds}s"
  if ! "$out/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/" \
       "$corpus" $( [ -d "$seeds" ] && echo "$seeds" ) >"$out/$name.log" 2>&1; then
    echo "fuzz: $name FAILED, see $out/$name.log"; tail -40 "$out/$name.log"; status=1
  else
    grep -E "stat::number_of_executed_units" "$out/$name.log" || true
  fi
done
exit $status
