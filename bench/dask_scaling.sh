#!/usr/bin/env bash
# Usage: bench/dask_scaling.sh [TRAILSIFT] [GENERATOR]
#
# The scaling figure of docs/performance.md: `stats --by username,event-name` over a generated
# mirror of day folders, read by one trailsift run (1 and 2 threads), and by
# examples/distributed/trailsift_dask.py on a LocalCluster of 1 and 2 worker processes, each task
# one day folder read by `trailsift --threads 1`, its partial results merged. Every output is
# checked equal to the single run's. Prints a Markdown table of wall time and throughput
# (compressed bytes on disk, and uncompressed JSON, per second), best of BENCH_RUNS, with the
# machine's load (uptime) before and after: the figures are only as good as the machine is idle.
#
# BENCH_DIR (default /tmp/trailsift-dask-bench), BENCH_DAYS (default 8), BENCH_RUNS (default 3).
set -euo pipefail
trailsift=$(realpath "${1:-build/tools/trailsift}")
generator=${2:-build/bench/trailsift-generate-mirror}
driver=$(dirname "$0")/../examples/distributed/trailsift_dask.py
dir=${BENCH_DIR:-/tmp/trailsift-dask-bench}
days=${BENCH_DAYS:-8}
runs=${BENCH_RUNS:-3}
python=/usr/bin/python3
"$python" -c 'import dask.distributed' || { echo "needs python3-distributed" >&2; exit 2; }
mirror=$dir/mirror-$days
if [[ ! -d $mirror ]]; then
  mkdir -p "$dir"
  "$generator" --out "$mirror" --hours $((days * 24)) --rate-percent 10 --accounts 2 --regions 2 \
    --seed 1 --summary "$dir/summary-$days.json" > /dev/null
fi
compressed=$(find "$mirror" -name '*.json.gz' -printf '%s\n' | awk '{s += $1} END {print s}')
uncompressed=$(jq '.uncompressed_bytes // empty' "$dir/summary-$days.json" 2> /dev/null || true)
shards=$(find "$mirror" -path '*/CloudTrail/*' -type d -regex '.*/[0-9][0-9]/[0-9][0-9]$' | wc -l)
args=(stats --by 'username,event-name' -o csv -q)
"$trailsift" "${args[@]}" "$mirror" > "$dir/expected"

best_of() {  # best_of NAME COMMAND...: the best wall time of $runs runs, output checked
  local name=$1 best='' start end seconds
  shift
  for ((run = 0; run < runs; run++)); do
    start=$(date +%s.%N)
    "$@" > "$dir/actual"
    end=$(date +%s.%N)
    cmp -s "$dir/expected" "$dir/actual" || { echo "$name: output differs from one run" >&2; return 1; }
    seconds=$(echo "$end - $start" | bc -l)
    if [[ -z $best ]] || (($(echo "$seconds < $best" | bc -l))); then best=$seconds; fi
  done
  echo "$best"
}

row() {  # row LABEL SECONDS
  local mb_s gb_s=-
  mb_s=$(echo "$compressed / $2 / 1000000" | bc -l)
  [[ -n $uncompressed ]] && gb_s=$(printf '%.0f' "$(echo "$uncompressed / $2 / 1000000" | bc -l)")
  printf '| %s | %.2f s | %.1f MB/s | %s MB/s |\n' "$1" "$2" "$mb_s" "$gb_s"
}

echo "load before: $(uptime)"
echo
echo "$days days, $shards day folders (tasks), $((compressed / 1000000)) MB compressed on disk," \
  "${uncompressed:+$((uncompressed / 1000000)) MB of JSON,} \`${args[*]}\`, best of $runs"
echo
echo '| run | wall time | compressed read | JSON read |'
echo '|---|---|---|---|'
for threads in 1 2; do
  seconds=$(best_of "trailsift --threads $threads" "$trailsift" "${args[@]}" --threads "$threads" \
    "$mirror") || exit 1
  row "trailsift, --threads $threads" "$seconds"
done
for workers in 1 2; do
  seconds=$(best_of "Dask, $workers workers" "$python" "$driver" --trailsift "$trailsift" \
    --workers "$workers" --mirror "$mirror" -o csv -- stats --by username,event-name -q \
    --threads 1) || exit 1
  row "Dask LocalCluster, $workers worker(s), a task per day folder" "$seconds"
done
echo
echo "load after: $(uptime)"
