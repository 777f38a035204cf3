#!/usr/bin/env bash
# Usage: prefilter_matches_parse_all.sh TRAILSIFT EXAMPLES_DIR [REALDATA_DIR]
#
# A selective query leaves unparsed the log files that hold none of its values
# (EventFilter::required_literals); that must never change an answer. For many values of each
# condition that gives literals, taken from the data itself (so that most match somewhere),
# plus values that match nothing, `filter` (also with -i and the value in lower case) and `stats`
# must print exactly what they print with --parse-all, and the skipping must have happened (the
# note counts the files).
set -euo pipefail
trailsift=$1
examples=$2
realdata=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
checked=0
skipped_somewhere=0

inputs=("$examples/bucket")
[[ -n $realdata && -d $realdata ]] && inputs+=("$realdata")
# One log file too large to read whole (over 8 MiB inflated): read in chunks, screened chunk by
# chunk. Made of the bucket's records, repeated.
"$trailsift" filter -q "$examples/bucket" > "$work/bucket.ndjson" 2> /dev/null || true
while (($(stat -c %s "$work/bucket.ndjson") * ${copies:=1} < 9 * 1024 * 1024)); do
  copies=$((copies + 1))
done
for ((i = 0; i < copies; i++)); do cat "$work/bucket.ndjson"; done |
  { printf '{"Records":['; paste -sd,; printf ']}\n'; } | gzip -1 > "$work/large.json.gz"
inputs+=("$work/large.json.gz")

for input in "${inputs[@]}"; do
  "$trailsift" filter -q "$input" > "$work/all.ndjson" 2> /dev/null || true
  for field in eventID eventName eventSource userIdentity.accessKeyId userIdentity.userName; do
    option=${field,,}
    case $field in
      eventID) option=--event-id ;;
      eventName) option=--event-name ;;
      eventSource) option=--event-source ;;
      userIdentity.accessKeyId) option=--access-key-id ;;
      userIdentity.userName) option=--username ;;
    esac
    # Up to 8 values seen in the data (every 5th distinct one; 3 when TRAILSIFT_TEST_QUICK is set,
    # under the sanitizers), and one that occurs nowhere.
    mapfile -t values < <(jq -r ".$field // empty" "$work/all.ndjson" | LC_ALL=C sort -u |
      awk 'NR % 5 == 1' | head -"$((${TRAILSIFT_TEST_QUICK:-0} ? 3 : 8))")
    values+=("NoSuchValue0123")
    for value in "${values[@]}"; do
      for command in "filter" "stats -o json" "filter -i"; do
        asked=$value
        [[ $command == *-i ]] && asked=${value,,}  # -i: the value in lower case must still match
        # shellcheck disable=SC2086
        "$trailsift" $command "$option" "$asked" "$input" > "$work/skipping" 2> "$work/skipping.err" || true
        # shellcheck disable=SC2086
        "$trailsift" $command --parse-all -q "$option" "$asked" "$input" > "$work/full" 2> /dev/null || true
        checked=$((checked + 1))
        grep -q 'not parsed' "$work/skipping.err" && skipped_somewhere=1
        if ! cmp -s "$work/skipping" "$work/full"; then
          echo "FAIL $input: '$command $option $asked' differs from --parse-all"
          diff "$work/full" "$work/skipping" | head -10 | sed 's/^/     /'
          failed=1
        fi
      done
    done
  done
done
if ((!skipped_somewhere)); then
  echo "FAIL no query left a log file unparsed: the prefilter was not exercised"
  failed=1
fi
echo "$checked comparisons"
exit "$failed"
