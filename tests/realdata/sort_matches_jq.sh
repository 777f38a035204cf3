#!/usr/bin/env bash
# Usage: sort_matches_jq.sh TRAILSIFT REALDATA_DIR
#
# `filter --sort time` over the whole real-data corpus against jq's stable sort_by of the same
# records (the events in input order, as `filter` prints them without --sort; both sides pass
# through `jq -c .`, since jq rewrites some numbers): in memory, spilled
# to many runs, on 1 and 4 threads; -m N against the first N lines; -o tsv against jq's @tsv.
# Then the temporary folder must be empty after a closed pipe and after SIGTERM and SIGINT
# in the middle of a spilling run. Exit 0 when all agree, 1 otherwise, 77 (skipped) without the
# corpus or jq.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/jq_records.sh"

begin_check "$0" "$@"
temp=$work/temp
mkdir "$temp"
failed=0
fail() {
  echo "FAIL $*"
  failed=1
}

"$trailsift" filter -q "$realdata" > "$work/input-order.ndjson"
# jq's key: a time in the form eventTime has on this corpus (UTC, optional fraction) sorts by
# seconds, then fraction; anything else after every time, in input order.
jq_key='(.eventTime // null) as $t
  | if ($t | type) == "string" and ($t | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z$"))
    then [0, ($t[0:19] + "Z" | fromdateiso8601), ($t | (capture("\\.(?<f>[0-9]+)").f // "0") | "0." + . | tonumber)]
    else [1] end'
jq -c -s "sort_by($jq_key)[]" "$work/input-order.ndjson" > "$work/expected.ndjson"
events=$(wc -l < "$work/expected.ndjson")
if [[ $events -lt 1000 ]]; then
  fail "only $events events in the corpus"
fi

for threads in 1 4; do
  for memory in 256M 64K 1; do
    "$trailsift" filter -q --sort time --threads "$threads" --sort-memory "$memory" \
        --temp-dir "$temp" "$realdata" | jq -c . > "$work/actual.ndjson"
    if cmp -s "$work/expected.ndjson" "$work/actual.ndjson"; then
      echo "ok   --sort time --threads $threads --sort-memory $memory: $events events as jq sorts them"
    else
      fail "--sort time --threads $threads --sort-memory $memory differs from jq's sort_by"
    fi
  done
done

"$trailsift" filter -q --sort time -m 25 --sort-memory 64K --temp-dir "$temp" "$realdata" \
    | jq -c . > "$work/actual.ndjson"
if head -25 "$work/expected.ndjson" | cmp -s - "$work/actual.ndjson"; then
  echo "ok   --sort time -m 25: the 25 earliest"
else
  fail "--sort time -m 25 is not the first 25 of jq's sort"
fi

jq -r '[.eventTime // "", .eventName // "", .requestParameters.bucketName // ""] | @tsv' \
    "$work/expected.ndjson" > "$work/expected.tsv"
"$trailsift" filter -q --sort time -o tsv --fields eventTime,event-name,requestParameters.bucketName \
    --sort-memory 64K --temp-dir "$temp" "$realdata" | tail -n +2 > "$work/actual.tsv"
if cmp -s "$work/expected.tsv" "$work/actual.tsv"; then
  echo "ok   -o tsv --fields: jq's @tsv of the sorted records"
else
  fail "-o tsv --fields differs from jq's @tsv"
  diff "$work/expected.tsv" "$work/actual.tsv" | head -5
fi

# A closed pipe ends trailsift while runs are open; nothing may be left behind.
"$trailsift" filter -q --sort time --sort-memory 4K --temp-dir "$temp" "$realdata" | head -1 > /dev/null \
  || true  # trailsift ends by SIGPIPE
if [[ -z $(ls -A "$temp") ]]; then
  echo "ok   closed pipe: the temporary folder is empty"
else
  fail "closed pipe left $(ls -A "$temp" | head -3)"
fi

# A signal while spilled runs are open. Standard input stays open (a FIFO whose writer sleeps),
# so trailsift is still reading when the signal comes; the corpus is written four times, since
# an input is read in batches (and so delivered and spilled while it is read) beyond 8 MiB.
for signal in TERM INT; do
  fifo=$work/fifo
  rm -f "$fifo"
  mkfifo "$fifo"
  { for _ in 1 2 3 4; do cat "$work/input-order.ndjson"; done; sleep 30; } > "$fifo" &
  writer=$!
  "$trailsift" filter -q --sort time --sort-memory 4K --temp-dir "$temp" - < "$fifo" > /dev/null &
  pid=$!
  spilled=no
  for _ in $(seq 100); do
    if ls -l "/proc/$pid/fd" 2>/dev/null | grep -q "$temp/.*(deleted)"; then
      spilled=yes
      break
    fi
    sleep 0.1
  done
  kill "-$signal" "$pid"
  wait "$pid" 2>/dev/null || true
  kill "$writer" 2>/dev/null || true
  wait "$writer" 2>/dev/null || true
  if [[ $spilled == yes && -z $(ls -A "$temp") ]]; then
    echo "ok   SIG$signal while runs are spilled: the temporary folder is empty"
  else
    fail "SIG$signal: spilled runs seen: $spilled; left: $(ls -A "$temp" | head -3)"
  fi
done

exit $failed
