#!/usr/bin/env bash
# Usage: large_inputs_bounded_memory.sh TRAILSIFT DATA_DIR [MEGABYTES]
#
# Memory must not follow the size of an input (issue 8): the benchmark's large inputs
# (bench/large_inputs.sh) at a size a test can afford, so that the sanitizer builds run them too.
# An NDJSON file, one {"Records":[...]} document (plain, gzip, and on standard input) and a gzip
# bomb, each of about MEGABYTES (default 200), must cost at most 64 MB (the bomb: 16 MB) more peak
# memory than the same shape at 1/20 of the size, and give the counts the copies imply. (The absolute figures,
# under 150 MB for 10 GB inputs, are the benchmark's: sanitizers change them.)
set -euo pipefail
trailsift=$1
data=$2
megabytes=${TRAILSIFT_TEST_LARGE_MB:-${3:-200}}  # smaller under the sanitizers (.ci/test)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v /usr/bin/time > /dev/null || { echo "SKIP: /usr/bin/time is missing"; exit 77; }
# Under AddressSanitizer freed memory waits in a quarantine that grows with the work done: off,
# so that the peak is the program's own (other builds ignore the variable).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0:thread_local_quarantine_size_kb=0"
failed=0

# One record per line, from a fixture the other tests check.
"$trailsift" filter -q "$data/filter/events.json" > "$work/seed.ndjson"
seed_events=$(wc -l < "$work/seed.ndjson")
# make NAME COPIES: NAME.ndjson and NAME.json (one Records document) of COPIES copies of the seed.
make() {
  local name=$1 copies=$2 i
  for ((i = 0; i < copies; i++)); do cat "$work/seed.ndjson"; done > "$work/$name.ndjson"
  { printf '{"Records":['; paste -sd, "$work/$name.ndjson"; printf ']}'; } > "$work/$name.json"
  gzip -1 -c "$work/$name.json" > "$work/$name.json.gz"
}
seed_bytes=$(stat -c %s "$work/seed.ndjson")
big_copies=$((megabytes * 1000000 / seed_bytes + 1))
small_copies=$((big_copies / 20 + 1))
make big "$big_copies"
make small "$small_copies"
head -c "$((megabytes))M" /dev/zero | gzip -1 -c > "$work/big-bomb.json.gz"
head -c "$((megabytes / 20 + 1))M" /dev/zero | gzip -1 -c > "$work/small-bomb.json.gz"

# peak COMMAND...: the peak RSS in KB of COMMAND (run by bash), its stdout in $work/out.
peak() {
  /usr/bin/time -f '%M' -o "$work/rss" bash -c "$1" > "$work/out" 2> "$work/err" || true
  tail -n 1 "$work/rss"  # after "Command exited with non-zero status N", if any
}
check() {  # check LABEL COMMAND-WITH-SIZE EXPECTED-BIG EXPECTED-SMALL [SLACK-MB]
  local label=$1 command=$2 slack_mb=${5:-64}
  local big small got_big got_small
  big=$(peak "${command//SIZE/big}")
  got_big=$(cat "$work/out")
  small=$(peak "${command//SIZE/small}")
  got_small=$(cat "$work/out")
  if [[ "$got_big" != "$3" || "$got_small" != "$4" ]]; then
    echo "FAIL $label: printed '$got_big' and '$got_small', expected '$3' and '$4'"
    sed 's/^/     /' "$work/err" | head -5
    failed=1
  fi
  if ((big > small + slack_mb * 1024)); then
    echo "FAIL $label: $((big / 1024)) MB at ${megabytes} MB of input, against $((small / 1024)) MB at 1/20 of it"
    failed=1
  else
    echo "ok   $label: $((big / 1024)) MB peak at ${megabytes} MB of input, $((small / 1024)) MB at 1/20"
  fi
}
big_events=$((big_copies * seed_events))
small_events=$((small_copies * seed_events))
check "NDJSON" "$trailsift filter -c -q $work/SIZE.ndjson" "$big_events" "$small_events"
check "Records" "$trailsift filter -c -q $work/SIZE.json" "$big_events" "$small_events"
check "Records, gzip" "$trailsift filter -c -q $work/SIZE.json.gz" "$big_events" "$small_events"
check "Records, stdin" "cat $work/SIZE.json | $trailsift filter -c -q -" "$big_events" "$small_events"
check "stats, NDJSON" "$trailsift stats -q -o json $work/SIZE.ndjson | jq .totals.events" "$big_events" "$small_events"
# A bomb is not JSON: an error, after inflating all of it in bounded memory. Its first bytes
# say so: none of its zeros may be held (the default --max-record is 64 MiB).
check "gzip bomb" "$trailsift filter -c -q $work/SIZE-bomb.json.gz" "0" "0" 16
exit "$failed"
