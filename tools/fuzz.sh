#!/usr/bin/env bash
# Builds every libFuzzer target in tests/fuzz/ with clang and runs each for a while.
# A target names what it links in comment lines, none of it LibTorch:
#   // fuzz-sources: core/io/safetensors_header.cpp     (sources, relative to the checkout)
#   // fuzz-packages: opencv4 libzip                    (pkg-config packages, flags and libraries)
# Usage: tools/fuzz.sh [--runs N] [--merge] [seconds per target, default 30] [target names...]
#   --runs N   stop each target after N executions instead of after the seconds (a campaign)
#   --merge    afterwards, add the smallest inputs that cover what each run reached to its seeds in
#              tests/fuzz/seeds/<target>/, up to $FACEMIX_FUZZ_SEED_BUDGET bytes (24000) and
#              $FACEMIX_FUZZ_SEED_FILES files (40) per target
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
  # Rebuilt only when a source or header it may include changed since: with every target rebuilt,
  # building would take longer than the short pass that ctest runs.
  if [ ! -x "$out/$name" ] || [ -n "$(find "$root/core" "$root/ui" "$root/tests/fuzz" -newer "$out/$name" \
       \( -name '*.cpp' -o -name '*.h' \) -print -quit)" ] || [ "$0" -nt "$out/$name" ]; then
    # -fPIC because Qt's headers refuse position-dependent code.
    # shellcheck disable=SC2086
    "$clang" -std=c++20 -g -O1 -fPIC -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
      -I"$root/core" -I"$root" $sources "$target" $package_flags -o "$out/$name"
  fi
  corpus="$out/$name.corpus"; mkdir -p "$corpus"
  seeds="$root/tests/fuzz/seeds/$name"
  limit=$([ -n "$runs" ] && echo "-runs=$runs" || echo "-max_total_time=$seconds")
  echo "fuzz: $name, $([ -n "$runs" ] && echo "$runs runs" || echo "${seconds}s")"
  if ! "$out/$name" "$limit" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/$name-" \
       "$corpus" $( [ -d "$seeds" ] && echo "$seeds" ) >"$out/$name.log" 2>&1; then
    echo "fuzz: $name FAILED, see $out/$name.log"; tail -40 "$out/$name.log"; status=1
    continue
  fi
  grep -E "stat::number_of_executed_units|stat::average_exec_per_sec" "$out/$name.log" || true
  if [ "$merge" = 1 ]; then
    # Of the fewest inputs that cover what the run reached, the largest that fit (they reach deepest)
    # go into the seeds until those take budget more bytes or files: the corpora stay small.
    minimal="$out/$name.minimal"; rm -rf "$minimal"; mkdir -p "$minimal" "$seeds"
    if "$out/$name" -merge=1 -timeout=10 -rss_limit_mb=2048 "$minimal" "$seeds" "$corpus" >"$out/$name.merge.log" 2>&1; then
      budget=${FACEMIX_FUZZ_SEED_BUDGET:-24000} files=${FACEMIX_FUZZ_SEED_FILES:-40}
      known=$(sha1sum "$seeds"/* 2>/dev/null | cut -c1-40)  # libFuzzer names what it writes by SHA-1
      # shellcheck disable=SC2012
      for input in $(ls -S "$minimal"); do
        [ "$files" -gt 0 ] || break
        grep -qx "$input" <<<"$known" && continue
        size=$(stat -c %s "$minimal/$input")
        [ "$size" -le "$budget" ] || continue
        cp "$minimal/$input" "$seeds/$input"; budget=$((budget - size)) files=$((files - 1))
      done
    else
      echo "fuzz: merging $name failed, see $out/$name.merge.log"; status=1
    fi
  fi
done
exit $status
