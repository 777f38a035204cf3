#!/usr/bin/env bash
# Usage: partial_merge_matches_single_run.sh TRAILSIFT GENERATOR EXAMPLES_DIR REALDATA_DIR
#        HUNT_RULES SIGMA_DIR [SEED]
#
# Sharding must never change an answer: the inputs of three corpora (the example bucket, the real
# data, a small generated mirror) are split at random (seeded) into 1 to 5 shards; `stats`,
# `diff --by` and `hunt` run with `-o partial` on each shard and `trailsift merge` combines them.
# In every output form, the merge's stdout and exit status must equal one run's over every input
# byte for byte, and so must the end-of-run notes (left out, diff's summary and warnings, hunt's
# summary). hunt runs HUNT_RULES (single-event rules and correlations that fire on any data) and,
# on the real data, SigmaHQ's rules in SIGMA_DIR when it exists.
set -euo pipefail
trailsift=$1
generator=$2
examples=$3
realdata=$4
hunt_rules=$5
sigma=$6
seed=${7:-12}
rounds=${TRAILSIFT_TEST_ROUNDS:-2}  # random splits of each corpus; 1 under the sanitizers
RANDOM=$seed
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
checked=0

"$generator" --out "$work/generated" --hours 3 --rate-percent 2 --seed "$seed" --accounts 3 \
  --regions 2 --jobs 1 > /dev/null 2>&1

# Splits the lines of $1 at random into files $2.1 ... $2.K (K from 1 to 5, none empty).
split_at_random() {
  local list=$1 prefix=$2 shards=$((RANDOM % 5 + 1)) line
  rm -f "$prefix".*
  local lines
  lines=$(wc -l < "$list")
  ((shards > lines)) && shards=$lines
  local i=0
  while IFS= read -r line; do
    # The first K lines open the K shards; the others go anywhere.
    local shard=$((i < shards ? i : RANDOM % shards))
    printf '%s\n' "$line" >> "$prefix.$shard"
    i=$((i + 1))
  done < <(shuf --random-source=<(yes "$seed") "$list")
}

# The notes a merge must repeat: the end-of-run ones, not those about one input.
end_notes() {
  grep -E 'left out of the time range|on both sides|side has no events' "$1" |
    sed -E 's/^trailsift (stats|diff|merge): //' || true
}

same() {  # same WHAT EXPECTED ACTUAL
  checked=$((checked + 1))
  if ! cmp -s "$2" "$3"; then
    echo "FAIL: $1" >&2
    diff "$2" "$3" | head -20 >&2 || true
    failed=$((failed + 1))
  fi
}

check_stats() {  # check_stats CORPUS_NAME ARGS...
  local name=$1
  shift
  split_at_random "$work/list" "$work/shard"
  local partials=() status=0
  for shard in "$work"/shard.*; do
    "$trailsift" stats -o partial "$@" --files-from "$shard" > "$shard.partial" 2> /dev/null || true
    partials+=("$shard.partial")
  done
  for form in "table" "table --chart" "json" "csv" "tsv"; do
    [[ ($form == csv || $form == tsv) && " $* " != *" --by "* ]] && continue
    status=0
    # shellcheck disable=SC2086
    "$trailsift" stats -o $form "$@" --files-from "$work/list" > "$work/single" 2> "$work/single.err" || status=$?
    echo "exit $status" >> "$work/single"
    status=0
    # shellcheck disable=SC2086
    "$trailsift" merge -o $form "${partials[@]}" > "$work/merged" 2> "$work/merged.err" || status=$?
    echo "exit $status" >> "$work/merged"
    same "$name: stats $* -o $form (${#partials[@]} shards)" "$work/single" "$work/merged"
    same "$name: stats $* -o $form notes" <(end_notes "$work/single.err") <(end_notes "$work/merged.err")
  done
}

check_diff() {  # check_diff CORPUS_NAME ARGS...: the list's halves as left and right
  local name=$1
  shift
  local lines half
  lines=$(wc -l < "$work/list")
  half=$((RANDOM % lines + 1))
  head -n "$half" "$work/list" > "$work/left"
  tail -n +"$((half / 2 + 1))" "$work/list" > "$work/right"  # overlapping: some on both sides
  local shards=$((RANDOM % 4 + 1)) partials=() i
  for ((i = 0; i < shards; i++)); do
    awk -v n="$shards" -v i="$i" 'NR % n == i' "$work/left" > "$work/left.$i"
    awk -v n="$shards" -v i="$i" '(NR + 1) % n == i' "$work/right" > "$work/right.$i"
    # An empty shard side still needs a list: it then reads the one file of an empty folder.
    [[ -s $work/left.$i ]] || echo "$work/empty" > "$work/left.$i"
    [[ -s $work/right.$i ]] || echo "$work/empty" > "$work/right.$i"
    "$trailsift" diff -o partial "$@" "@$work/left.$i" "@$work/right.$i" > "$work/diff.$i.partial" \
      2> /dev/null || true
    partials+=("$work/diff.$i.partial")
  done
  for form in table text csv tsv json; do
    local status=0
    "$trailsift" diff -o "$form" "$@" "@$work/left" "@$work/right" > "$work/single" \
      2> "$work/single.err" || status=$?
    echo "exit $status" >> "$work/single"
    status=0
    "$trailsift" merge -o "$form" "${partials[@]}" > "$work/merged" 2> "$work/merged.err" || status=$?
    echo "exit $status" >> "$work/merged"
    same "$name: diff $* -o $form ($shards shards)" "$work/single" "$work/merged"
    same "$name: diff $* -o $form notes" <(end_notes "$work/single.err") <(end_notes "$work/merged.err")
  done
}

# hunt's summary, and its note of events not correlated: the merge writes them as one run does.
hunt_summary() {
  grep -E '^(trailsift hunt: [0-9]+ (rules run|events searched)|  )|not correlated' "$1" |
    sed -E 's/^trailsift (hunt|merge): //' || true
}

check_hunt() {  # check_hunt CORPUS_NAME ARGS...
  local name=$1
  shift
  split_at_random "$work/list" "$work/shard"
  local partials=() status=0 form
  for shard in "$work"/shard.*; do
    "$trailsift" hunt -o partial "$@" --files-from "$shard" > "$shard.partial" 2> /dev/null || true
    partials+=("$shard.partial")
  done
  # The merge orders the inputs by name, as one run over a sorted list (or a folder) reads them.
  for form in table csv tsv ndjson; do
    status=0
    "$trailsift" hunt -o "$form" "$@" --files-from "$work/list" > "$work/single" \
      2> "$work/single.err" || status=$?
    echo "exit $status" >> "$work/single"
    status=0
    "$trailsift" merge -o "$form" "${partials[@]}" > "$work/merged" 2> "$work/merged.err" || status=$?
    echo "exit $status" >> "$work/merged"
    same "$name: hunt $* -o $form (${#partials[@]} shards)" "$work/single" "$work/merged"
    same "$name: hunt $* -o $form summary" <(hunt_summary "$work/single.err") \
      <(hunt_summary "$work/merged.err")
  done
}

mkdir "$work/empty"
corpora=(examples generated)
[[ -d $realdata ]] && corpora+=(realdata)  # beside the repository, not in it
for corpus in "${corpora[@]}"; do
  case $corpus in
    examples) find "$examples/bucket" -name '*.json.gz' -not -path '*CloudTrail-Digest*' ;;
    realdata) find "$realdata" -type f -not -name '*.md' ;;
    generated) find "$work/generated" -name '*.json.gz' ;;
  esac | sort > "$work/list"
  for ((round = 1; round <= rounds; round++)); do
    check_stats "$corpus#$round"
    check_stats "$corpus#$round" --interval 5m
    check_stats "$corpus#$round" --by event-name,username --top 7
    check_stats "$corpus#$round" --by region,error-code --interval 1h
    check_stats "$corpus#$round" --by resource-name --since 2024-03-01T09:30:00Z --errors
    check_diff "$corpus#$round" --by event-name,source-ip
    check_diff "$corpus#$round" --by username --threshold 2
    check_hunt "$corpus#$round" -r "$hunt_rules"
    check_hunt "$corpus#$round" -r "$hunt_rules" --since 2024-03-01T09:30:00Z --min-level low
    if [[ $corpus == realdata && -d $sigma ]]; then
      check_hunt "$corpus#$round" -r "$sigma" -r "$hunt_rules"
    fi
  done
done

echo "$checked comparisons, $failed failed"
((checked > 100)) || { echo "FAIL: too few comparisons" >&2; exit 1; }
((failed == 0))
