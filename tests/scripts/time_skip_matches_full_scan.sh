#!/usr/bin/env bash
# Usage: time_skip_matches_full_scan.sh TRAILSIFT DATA_DIR EXAMPLES_DIR
#
# Skipping log files by time (their delivery time, their day folder, the event times their
# digests list) must never change an answer: for many time ranges, `filter` over a mirror must
# print exactly what it prints when every log file is named (named files are never skipped),
# and stats and diff must agree too. The mirrors: tests/data/time-skip (late deliveries, clock
# skew, a file no digest lists) and the example bucket.
set -euo pipefail
trailsift=$1
data=$2
examples=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
checked=0

compare() {  # compare MIRROR SINCE UNTIL
  local mirror=$1 range=()
  [[ -n $2 ]] && range+=(--since "$2")
  [[ -n $3 ]] && range+=(--until "$3")
  find "$mirror" -name '*.json.gz' -not -path '*CloudTrail-Digest*' | sort > "$work/all"
  for command in "filter" "filter -o csv" "stats --by event-name,username" "stats -o json"; do
    # shellcheck disable=SC2086
    "$trailsift" $command -q "${range[@]}" "$mirror" > "$work/skipping" 2>&1 || true
    # shellcheck disable=SC2086
    "$trailsift" $command -q "${range[@]}" --files-from "$work/all" > "$work/full" 2>&1 || true
    checked=$((checked + 1))
    # stats counts the files it read: the only thing skipping may change.
    sed -i -E 's/"files":[0-9]+/"files":N/; s/[0-9]+ files?, /N files, /' "$work/skipping" "$work/full"
    if ! cmp -s "$work/skipping" "$work/full"; then
      echo "FAIL $mirror ${range[*]}: '$command' differs from a full scan"
      diff "$work/full" "$work/skipping" | head -10 | sed 's/^/     /'
      failed=1
    fi
  done
}

starts=("" 2024-03-01T00:00:00Z 2024-03-01T00:59:00Z 2024-03-01T09:59:00Z 2024-03-01T10:00:00Z
        2024-03-01T23:00:00Z 2024-03-02T00:00:00Z 2024-03-02T12:01:00Z 2024-03-03T00:00:00Z
        2024-03-03T15:08:00Z 2024-03-03T15:09:00Z 2024-03-04T00:00:00Z)
ends=("" 2024-03-01T01:00:00Z 2024-03-01T10:00:00Z 2024-03-02 2024-03-03T15:09:00Z)
# TRAILSIFT_TEST_QUICK (the sanitizer builds): every other start.
step=$((${TRAILSIFT_TEST_QUICK:-0} ? 2 : 1))
for mirror in "$data/time-skip/mirror" "$examples/bucket"; do
  for ((i = 0; i < ${#starts[@]}; i += step)); do
    for until in "${ends[@]}"; do
      compare "$mirror" "${starts[i]}" "$until"
    done
  done
done

# And it does skip: a range after most deliveries reads only the files it needs.
note=$("$trailsift" filter -c --since 2024-03-03T00:00:00Z "$data/time-skip/mirror" 2>&1 >/dev/null)
if [[ $note != *"3 log files not read"* ]]; then
  echo "FAIL the skipped files are not counted as expected: $note"
  failed=1
fi
echo "$checked comparisons with a full scan"
exit $failed
