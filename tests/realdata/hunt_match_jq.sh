#!/usr/bin/env bash
# Usage: hunt_match_jq.sh TRAILSIFT REALDATA_DIR SIGMA_DIR
#
# Runs SigmaHQ's CloudTrail rules (SIGMA_DIR, ../shared/sigma) over the whole real-data corpus
# with `trailsift hunt -o tsv`, and compares the timeline, byte for byte, with the one jq works
# out alone from its own translation of each rule (hunt_jq.sh). Prints the detections per rule,
# then `ok` or the difference. Exit 0 when they agree, 1 otherwise, 77 (skipped) when the
# corpus, the rules or jq are missing.
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
source "$here/jq_records.sh"
source "$here/hunt_jq.sh"

if [[ $# -ne 3 ]]; then
  echo "usage: $0 TRAILSIFT REALDATA_DIR SIGMA_DIR" >&2
  exit 2
fi
sigma=$3
begin_check "$0" "$1" "$2"
if [[ ! -d $sigma ]]; then
  echo "skipped: no Sigma rules at $sigma"
  exit 77
fi

write_records "$realdata" "$work/records.jsonl"
hunt_timeline_jq "$work/records.jsonl" "$sigma" > "$work/expected.tsv"
status=0
"$trailsift" hunt --quiet -o tsv --rules "$sigma" "$realdata" > "$work/actual.tsv" 2> "$work/stderr" ||
  status=$?

echo "detections per rule, as jq counts them:"
tail -n +2 "$work/expected.tsv" | cut -f3 | LC_ALL=C sort | uniq -c | sort -rn
if [[ $status -ne 0 ]]; then
  echo "FAIL: trailsift hunt exited with status $status"
  cat "$work/stderr"
  exit 1
fi
if ! diff -u "$work/expected.tsv" "$work/actual.tsv"; then
  echo "FAIL: trailsift hunt's timeline (+) differs from jq's (-)"
  exit 1
fi
echo "ok   $(($(wc -l < "$work/actual.tsv") - 1)) detections, the same as jq's, in the same order"
