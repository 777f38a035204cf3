#!/usr/bin/env bash
# A worker thread that cannot start is an error (exit 2, a message on stderr, nothing on
# stdout), not a crash (issue 9 item 13). Threads are made to fail by a limit on virtual
# memory that leaves room for a few dozen thread stacks but not for --threads 256.
# Usage: threads_cannot_start.sh TRAILSIFT DATA_DIR. Not for sanitizer builds, which reserve
# far more address space than the limit allows.
set -uo pipefail
trailsift="$1"
data="$2"
events="$data/filter/events.json"
failures=0
expect_thread_error() {
  local out err status
  out=$(mktemp) err=$(mktemp)
  (ulimit -s 8192 && ulimit -v 400000 && exec "$trailsift" "$@" --threads 256 > "$out" 2> "$err")
  status=$?
  if ((status != 2)) || [[ -s "$out" ]] || ! grep -q "cannot start worker thread .* of 256" "$err"; then
    echo "FAIL: trailsift $* --threads 256: exit $status, stdout $(wc -c < "$out") bytes, stderr: $(cat "$err")"
    failures=$((failures + 1))
  fi
  rm -f "$out" "$err"
}
expect_thread_error filter "$events"
expect_thread_error filter -c "$events"
expect_thread_error stats "$events"
expect_thread_error diff "$events" "$events"
expect_thread_error diff --by username "$events" "$events"
expect_thread_error validate --public-keys "$data/validate/chain/keys.json" "$data/validate/chain/bucket"
((failures == 0)) && echo "a thread that cannot start is exit 2 for filter, stats, diff and validate"
exit "$((failures > 0))"
