#!/usr/bin/env bash
# A failed write to standard output is an error (exit 2, a message on stderr), for help and
# version text as for data: `trailsift --help > /dev/full` must not exit 0 (issue 9 item 14).
# Usage: failed_stdout_write.sh TRAILSIFT DATA_DIR
set -uo pipefail
trailsift="$1"
data="$2"
[[ -w /dev/full ]] || { echo "no /dev/full: skipped"; exit 77; }
failures=0
expect_write_error() {
  local stderr status
  stderr=$("$trailsift" "$@" 2>&1 > /dev/full)
  status=$?
  if ((status != 2)) || [[ "$stderr" != *"error writing standard output: No space left on device"* ]]; then
    echo "FAIL: trailsift $* > /dev/full: exit $status, stderr: $stderr"
    failures=$((failures + 1))
  fi
}
expect_write_error --help
expect_write_error --version
commands=$("$trailsift" --help | awk '/^Subcommands:/ {on = 1; next} on && !NF {exit} on {print $1}')
[[ -n "$commands" ]] || { echo "FAIL: trailsift --help lists no subcommands"; exit 1; }
for command in $commands; do
  expect_write_error "$command" --help
done
expect_write_error filter "$data/filter/events.json"
expect_write_error stats "$data/filter/events.json"
((failures == 0)) && echo "every failed write exits 2: --help, --version, $(echo $commands) --help, filter, stats"
exit "$((failures > 0))"
