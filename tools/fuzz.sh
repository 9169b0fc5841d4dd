#!/usr/bin/env bash
# Builds every libFuzzer target in tests/fuzz/ with clang and runs each for a while.
# A target names what it links in comment lines, none of it LibTorch:
#   // fuzz-sources: core/io/safetensors_header.cpp     (sources, relative to the checkout)
#   // fuzz-packages: opencv4 libzip                    (pkg-config packages, flags and libraries)
#   // fuzz-libs: -lz -lpng                             (further link flags)
# Usage: tools/fuzz.sh [--runs N] [--merge] [seconds per target, default 30] [target names...]
#   --runs N   stop each target after N executions instead of after the seconds (a campaign)
#   --merge    afterwards, merge what each run found into tests/fuzz/seeds/<target>/ (minimized)
# Skips (exit 0) when clang is absent.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=""
merge=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --merge) merge=1; shift ;;
    *) break ;;
  esac
done
seconds=${1:-30}
[ $# -gt 0 ] && shift
only=("$@")
clang=$(command -v clang++-14 || command -v clang++ || true)
if [ -z "$clang" ]; then echo "fuzz: no clang++ on this machine; skipped"; exit 0; fi
out=${FACEMIX_FUZZ_DIR:-$root/build-fuzz}
mkdir -p "$out"

field() { sed -n "s|^// fuzz-$1:||p" "$2"; }

status=0
for target in "$root"/tests/fuzz/*_fuzz.cpp; do
  [ -e "$target" ] || continue
  name=$(basename "$target" .cpp)
  if [ ${#only[@]} -gt 0 ] && [[ ! " ${only[*]} " == *" $name "* ]]; then continue; fi
  sources=$(for s in $(field sources "$target"); do echo "$root/$s"; done)
  packages=$(field packages "$target")
  package_flags=$([ -z "$packages" ] || pkg-config --cflags --libs $packages)
  # -fPIC because Qt's headers refuse position-dependent code.
  # shellcheck disable=SC2086
  "$clang" -std=c++20 -g -O1 -fPIC -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$root/core" -I"$root" $sources "$target" $package_flags $(field libs "$target") -o "$out/$name"
  corpus="$out/$name.corpus"; mkdir -p "$corpus"
  seeds="$root/tests/fuzz/seeds/$name"
  limit=$([ -n "$runs" ] && echo "-runs=$runs" || echo "-max_total_time=$seconds")
  echo "fuzz: $name, ${runs:+$runs runs}${runs:-${seconds}s}"
  if ! "$out/$name" "$limit" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/$name-" \
       "$corpus" $( [ -d "$seeds" ] && echo "$seeds" ) >"$out/$name.log" 2>&1; then
    echo "fuzz: $name FAILED, see $out/$name.log"; tail -40 "$out/$name.log"; status=1
    continue
  fi
  grep -E "stat::number_of_executed_units|stat::average_exec_per_sec" "$out/$name.log" || true
  if [ "$merge" = 1 ]; then
    mkdir -p "$seeds"
    "$out/$name" -merge=1 -timeout=10 -rss_limit_mb=2048 "$seeds" "$corpus" >"$out/$name.merge.log" 2>&1 ||
      { echo "fuzz: merging $name failed, see $out/$name.merge.log"; status=1; }
  fi
done
exit $status
