#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD/fuzz for SECONDS each, two at a time, starting from the
# checked-in seed corpus fuzz/corpus/<name>/ (copied, so new inputs never dirty the tree).
# Any crash, leak or timeout fails the run and leaves the reproducer in BUILD/artifacts/.
set -euo pipefail
build=${1:-build-sanitize}
seconds=${2:-20}
work=$build/fuzz-work
artifacts=$build/artifacts
rm -rf "$work"; mkdir -p "$work" "$artifacts"
shopt -s nullglob
targets=("$build"/fuzz/fuzz_*)
if [ ${#targets[@]} -eq 0 ]; then echo "no fuzz targets built" >&2; exit 1; fi

run_one() {
  local bin=$1 name; name=$(basename "$bin"); name=${name#fuzz_}
  local seeds=fuzz/corpus/$name corpus=$work/$name
  mkdir -p "$corpus"
  if [ -d "$seeds" ]; then cp -r "$seeds"/. "$corpus"/; else echo "warning: no seed corpus for $name"; fi
  if "$bin" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$artifacts/$name-" -print_final_stats=1 >"$work/$name.log" 2>&1; then
    echo "fuzz $name: ok ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$work/$name.log" | grep -o '[0-9]*$') runs)"
  else
    echo "fuzz $name: FAILED"; tail -40 "$work/$name.log"; return 1
  fi
}

fail=0
pids=()
for bin in "${targets[@]}"; do
  run_one "$bin" & pids+=($!)
  if [ ${#pids[@]} -ge 2 ]; then wait "${pids[0]}" || fail=1; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p" || fail=1; done
exit $fail
