#!/usr/bin/env bash
# Usage: scale_out_recipes.sh TRAILSIFT GENERATOR DISTRIBUTED_DIR HUNT_RULES
#
# The recipes of docs/scale-out.md, run here as far as one machine can, each ending in
# trailsift merge and compared, byte for byte with the exit status, with one run over the
# mirror: GNU parallel for real (with --sshlogin ':', this machine, over ssh's stand-in), and the
# per-task shell logic of the Slurm job array and of the Kubernetes Indexed Job, run with the
# SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX that Slurm or Kubernetes would set (no slurmctld,
# no cluster). Skipped (77) without GNU parallel (Debian parallel) or Python's yaml module.
set -euo pipefail
trailsift=$(realpath "$1")
generator=$2
distributed=$3
hunt_rules=$(realpath "$4")
command -v parallel > /dev/null || { echo "no GNU parallel: skipped"; exit 77; }
python3 -c 'import yaml' 2> /dev/null || { echo "no python3-yaml: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$generator" --out "$work/mirror" --hours 30 --rate-percent 1 --seed 9 --accounts 2 --regions 2 \
  --start 2024-03-01T12:00:00Z --jobs 1 > /dev/null 2>&1
find "$work/mirror" -path '*/CloudTrail/*' -type d -regex '.*/[0-9][0-9]/[0-9][0-9]$' | sort \
  > "$work/shards"
count=$(wc -l < "$work/shards")
((count == 8)) || { echo "FAIL: expected 8 day folders, found $count"; exit 1; }
failed=0

# compare WHAT ARGS... -- MERGE_ARGS...: one run over the mirror against the merge of $work/parts.
compare() {
  local what=$1 status=0 args=()
  shift
  while [[ $1 != -- ]]; do args+=("$1"); shift; done
  shift
  "$trailsift" "${args[@]}" -q "$work/mirror" > "$work/single" 2> /dev/null || status=$?
  echo "exit $status" >> "$work/single"
  status=0
  "$trailsift" merge -q "$@" > "$work/merged" 2> "$work/merged.err" || status=$?
  echo "exit $status" >> "$work/merged"
  if ! cmp -s "$work/single" "$work/merged"; then
    echo "FAIL: $what"
    diff "$work/single" "$work/merged" | head -10 || true
    head -5 "$work/merged.err"
    failed=$((failed + 1))
  fi
}

expected_parts() {  # expected_parts FIRST LAST: every name the merge must find
  seq -f "$work/parts/%g.partial" "$1" "$2"
}

# GNU parallel: the recipe's script, run through parallel's ssh login ':' (this machine).
rm -rf "$work/parts" && mkdir "$work/parts"
PATH="$(dirname "$trailsift"):$PATH" TRAILSIFT=$trailsift \
  "$distributed/parallel_shards.sh" : "$work/shards" "$work/parts" stats --by username,region -q
mapfile -t parts < <(expected_parts 1 "$count")
compare "GNU parallel: stats --by username,region" stats --by username,region -o csv -- -o csv "${parts[@]}"

# The Slurm job array: its script, once per array task, as Slurm would run it.
rm -rf "$work/parts" && mkdir "$work/parts"
for ((task = 1; task <= count; task++)); do
  SLURM_ARRAY_TASK_ID=$task TRAILSIFT=$trailsift \
    "$distributed/slurm_array.sh" "$work/shards" "$work/parts" hunt -r "$hunt_rules" -q
done
mapfile -t parts < <(expected_parts 1 "$count")
compare "Slurm array: hunt" hunt -r "$hunt_rules" -o ndjson -- -o ndjson "${parts[@]}"
# A task whose line is missing fails, and leaves no partial result under its name.
if SLURM_ARRAY_TASK_ID=$((count + 1)) TRAILSIFT=$trailsift \
  "$distributed/slurm_array.sh" "$work/shards" "$work/parts" stats 2> /dev/null ||
  [[ -e $work/parts/$((count + 1)).partial ]]; then
  echo "FAIL: Slurm array: a task without a shard succeeded"
  failed=$((failed + 1))
fi
# ... so the merge of every expected name fails rather than leave that shard out.
mapfile -t parts < <(expected_parts 1 $((count + 1)))
if "$trailsift" merge -q "${parts[@]}" > /dev/null 2>&1; then
  echo "FAIL: a merge with a missing partial result succeeded"
  failed=$((failed + 1))
fi

# The Kubernetes Indexed Job: the container's script, with the paths of its volumes moved here
# and JOB_COMPLETION_INDEX set as Kubernetes sets it (0 to completions - 1).
rm -rf "$work/parts" && mkdir "$work/parts" "$work/lists"
for ((index = 0; index < count; index++)); do
  find "$(sed -n "$((index + 1))p" "$work/shards")" -name '*.json.gz' | sort > "$work/lists/$index"
done
script=$(python3 -c '
import sys, yaml
job = yaml.safe_load(open(sys.argv[1]))
command = job["spec"]["template"]["spec"]["containers"][0]["command"]
assert command[:2] == ["sh", "-c"], command
print(command[2])' "$distributed/k8s-indexed-job.yaml")
script=${script//\/parts\//$work/parts/}
script=${script//\/shards\//$work/lists/}
script=${script//-r \/rules/-r $hunt_rules}
for ((index = 0; index < count; index++)); do
  PATH="$(dirname "$trailsift"):$PATH" JOB_COMPLETION_INDEX=$index sh -c "$script"
done
mapfile -t parts < <(expected_parts 0 $((count - 1)))
compare "Kubernetes Indexed Job: hunt" hunt -r "$hunt_rules" -o csv -- -o csv "${parts[@]}"

((failed == 0)) && echo "GNU parallel, the Slurm array's and the Indexed Job's tasks equal one run"
exit "$failed"
