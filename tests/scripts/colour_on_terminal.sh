#!/usr/bin/env bash
# Usage: colour_on_terminal.sh TRAILSIFT DATA_DIR
#
# --color auto colours on a terminal only: not in a pipe, not with NO_COLOR set (an empty
# NO_COLOR does not count, as no-color.org says), not with TERM=dumb; --color always and never
# win over all of that. A terminal is made with script(1). Prints `ok  ...` or `FAIL ...` per
# check and exits 1 if any failed.
set -euo pipefail
trailsift=$1
data=$2
failed=0
command="$trailsift diff --by username,source-ip $data/diff/baseline.jsonl $data/diff/incident.jsonl"

# on_terminal ENV... -- ARGS: the command's standard output when it is a terminal.
on_terminal() {
  local environment=()
  while [[ $1 != -- ]]; do environment+=("$1"); shift; done
  shift
  env "${environment[@]}" script -qec "$command $* 2>/dev/null" /dev/null </dev/null
}

# check LABEL WANT(colour|plain) OUTPUT
check() {
  local got=plain
  [[ $3 == *$'\e['* ]] && got=colour
  if [[ $got == "$2" ]]; then
    echo "ok   $1"
  else
    echo "FAIL $1: $got, expected $2"
    failed=1
  fi
}

check "terminal" colour "$(on_terminal -u NO_COLOR TERM=xterm --)"
check "terminal, NO_COLOR=1" plain "$(on_terminal TERM=xterm NO_COLOR=1 --)"
check "terminal, NO_COLOR empty" colour "$(on_terminal TERM=xterm NO_COLOR= --)"
check "terminal, TERM=dumb" plain "$(on_terminal -u NO_COLOR TERM=dumb --)"
check "terminal, --color never" plain "$(on_terminal -u NO_COLOR TERM=xterm -- --color never)"
check "terminal, NO_COLOR=1, --color always" colour "$(on_terminal TERM=xterm NO_COLOR=1 -- --color always)"
check "pipe" plain "$(env -u NO_COLOR TERM=xterm $command 2>/dev/null | cat)"
check "pipe, --color always" colour "$(env -u NO_COLOR $command --color always 2>/dev/null | cat)"
exit "$failed"
