#!/usr/bin/env bash
# Usage: pipes_and_fifos.sh TRAILSIFT DATA_DIR
#
# Every command reads pipes, named FIFOs and process substitutions, each once, and gives the same
# answer as for the file they carry; none may hang (each run has a timeout). Prints `ok  ...` or
# `FAIL ...` per check and exits 1 if any failed.
set -euo pipefail
trailsift=$1
data=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
events=$data/filter/events.json
left=$data/diff/left.json
right=$data/diff/changed.jsonl
failed=0

# same LABEL EXPECTED_COMMAND ACTUAL_COMMAND: both print the same and exit the same.
same() {
  local label=$1 expected_status=0 actual_status=0
  timeout 30 bash -c "$2" > "$work/expected" 2>&1 || expected_status=$?
  timeout 30 bash -c "$3" > "$work/actual" 2>&1 || actual_status=$?
  if [[ $actual_status == 124 ]]; then
    echo "FAIL $label: timed out (hangs)"
    failed=1
  elif [[ $expected_status != "$actual_status" ]] || ! cmp -s "$work/expected" "$work/actual"; then
    echo "FAIL $label: exit $actual_status (expected $expected_status)"
    diff "$work/expected" "$work/actual" | head -20 | sed 's/^/     /'
    failed=1
  else
    echo "ok   $label"
  fi
}

gzip -c "$events" > "$work/events.json.gz"
mkfifo "$work/fifo" "$work/left.fifo" "$work/right.fifo"

same "filter: a pipe" "$trailsift filter $events" "cat $events | $trailsift filter"
same "filter: gzip through a pipe" "$trailsift filter $events" "cat $work/events.json.gz | $trailsift filter -"
same "filter: a named FIFO" "$trailsift filter -c $events" \
  "cat $events > $work/fifo & $trailsift filter -c $work/fifo"
same "filter: process substitution" "$trailsift filter -o csv $events" \
  "$trailsift filter -o csv <(cat $events)"
same "stats: process substitution" "$trailsift stats --by event-name $events" \
  "$trailsift stats --by event-name <(cat $events)"
# diff reads each side twice (digests, then the records that differ): an input that can be read
# only once is kept for the second read, and error messages still name it as given.
same "diff: process substitution on both sides" "$trailsift diff $left $right" \
  "$trailsift diff <(cat $left) <(cat $right) 2>&1 | sed -E 's#/dev/fd/[0-9]+#X#g'; exit \${PIPESTATUS[0]}"
same "diff: named FIFOs" "$trailsift diff $left $right" \
  "cat $left > $work/left.fifo & cat $right > $work/right.fifo & $trailsift diff $work/left.fifo $work/right.fifo"
same "diff: standard input, gzip" "$trailsift diff $left $right" \
  "gzip -c $right | $trailsift diff $left -"
same "diff --by: process substitution" "$trailsift diff --by username $left $right" \
  "$trailsift diff --by username <(cat $left) <(cat $right)"

# A FIFO met while walking a folder is not opened (it could block for ever): it is named in a note.
mkdir -p "$work/walked" && cp "$events" "$work/walked/events.json" && mkfifo "$work/walked/pipe.json"
note=$(timeout 30 "$trailsift" filter -c "$work/walked" 2>&1 >/dev/null) || true
if [[ $note == *"walked/pipe.json: skipped: a FIFO (name it to read it)"* ]]; then
  echo "ok   a FIFO in a walked folder is skipped with a note"
else
  echo "FAIL a FIFO in a walked folder: '$note'"
  failed=1
fi

exit $failed
