#!/usr/bin/env bash
# Usage: partial_merge_matches_single_run.sh TRAILSIFT GENERATOR SIGNER EXAMPLES_DIR REALDATA_DIR
#        HUNT_RULES SIGMA_DIR [SEED]
#
# Sharding must never change an answer: the inputs of three corpora (the example bucket, the real
# data, a small generated mirror) are split at random (seeded) into 1 to 5 shards; `stats`,
# `diff --by` and `hunt` run with `-o partial` on each shard and `trailsift merge` combines them.
# In every output form, the merge's stdout and exit status must equal one run's over every input
# byte for byte, and so must the end-of-run notes (left out, diff's summary and warnings, hunt's
# summary). hunt runs HUNT_RULES (single-event rules and correlations that fire on any data) and,
# on the real data, SigmaHQ's rules in SIGMA_DIR when it exists. `validate -o json` runs on
# shards by chain (random sets of accounts, or of regions) of signed mirrors: the example bucket,
# a generated mirror signed by SIGNER, and a tampered copy of the example (a log file deleted,
# one changed, files outside the trails' folders); its merge must equal one run with the union of
# the shards' selections, in text (stdout, stderr) and JSON, exit status included.
set -euo pipefail
trailsift=$1
generator=$2
signer=$3
examples=$4
realdata=$5
hunt_rules=$6
sigma=$7
seed=${8:-12}
rounds=$((${TRAILSIFT_TEST_QUICK:-0} ? 1 : 2))  # random splits of each corpus (quick: sanitizers)
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

# validate: the mirror $1 (keys $2, signatures $3) split by account or by region (chosen at
# random) into random shards; then options ARGS... on every shard.
check_validate() {
  local name=$1 mirror=$2 keys=$3 signatures=$4
  shift 4
  local option=--account-id folder_pattern='AWSLogs/\([0-9]*\)/CloudTrail/.*'
  if ((RANDOM % 2)); then
    option=--region folder_pattern='AWSLogs/[0-9]*/CloudTrail/\([^/]*\)/.*'
  fi
  (cd "$mirror" && find AWSLogs -path '*/CloudTrail/*' -name '*.json.gz') |
    sed -n "s|^$folder_pattern\$|\\1|p" | sort -u > "$work/chains"
  split_at_random "$work/chains" "$work/vshard"
  local common=(--public-keys "$keys" --signatures "$signatures" "$@") union=() reports=()
  while IFS= read -r value; do union+=("$option" "$value"); done < "$work/chains"
  for shard in "$work"/vshard.*; do
    local selection=()
    while IFS= read -r value; do selection+=("$option" "$value"); done < "$shard"
    "$trailsift" validate -o json "${common[@]}" "${selection[@]}" "$mirror" \
      > "$shard.json" 2> /dev/null || true
    reports+=("$shard.json")
  done
  for form in "table" "table -v" "json"; do
    local status=0 verbose=()
    [[ $form == "table -v" ]] && verbose=(-v)
    "$trailsift" validate -o "${form% -v}" "${verbose[@]}" "${common[@]}" "${union[@]}" \
      "$mirror" > "$work/single" 2> "$work/single.err" || status=$?
    echo "exit $status" >> "$work/single"
    status=0
    "$trailsift" merge -o "${form% -v}" "${verbose[@]}" "${reports[@]}" > "$work/merged" \
      2> "$work/merged.err" || status=$?
    echo "exit $status" >> "$work/merged"
    same "$name: validate $* $option -o $form (${#reports[@]} shards)" "$work/single" "$work/merged"
    same "$name: validate $* $option -o $form stderr" <(sed 's/^trailsift validate: //' "$work/single.err") \
      <(sed 's/^trailsift merge: //' "$work/merged.err")
  done
}

"$signer" --key "$examples/test-signing-key.pem" --bucket acme-trail \
  --public-keys "$work/generated-keys.json" --signatures "$work/generated-signatures.json" \
  "$work/generated" > /dev/null 2>&1
cp -r "$examples/bucket" "$work/tampered"
tampered_logs=$(find "$work/tampered" -path '*/CloudTrail/*' -name '*.json.gz' | sort)
rm "$(sed -n 3p <<< "$tampered_logs")"
printf '{"Records":[]}' | gzip > "$(sed -n 40p <<< "$tampered_logs")"
echo notes > "$work/tampered/README.txt"
printf '{"Records":[]}' > "$work/tampered/stray.json"
for round in 1 2 3; do
  check_validate "examples#$round" "$examples/bucket" "$examples/public-keys.json" \
    "$examples/signatures.json"
  check_validate "generated#$round" "$work/generated" "$work/generated-keys.json" \
    "$work/generated-signatures.json" --strict
  check_validate "tampered#$round" "$work/tampered" "$examples/public-keys.json" \
    "$examples/signatures.json"
  check_validate "tampered#$round" "$work/tampered" "$examples/public-keys.json" \
    "$examples/signatures.json" --exclude README.txt --start-time 2024-03-01T09:30:00Z
done

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
