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

# The tables of filter, stats and insights: coloured on a terminal, and the same text as in a
# pipe once the colour codes are taken out, so that colour never moves a column.
tables=(
  "filter -o table $data/filter/events.json"
  "filter -o table --fields error-code,event-name $data/filter/events.json"
  "stats $data/filter/events.json"
  "stats --by error-code,username $data/filter/events.json"
  "insights -q --read -o table $data/insights/two-days.ndjson.gz"
)
for table in "${tables[@]}"; do
  command="$trailsift $table"
  coloured=$(on_terminal -u NO_COLOR TERM=xterm -- | tr -d '\r')
  check "terminal: $table" colour "$coloured"
  # stats draws its chart on a terminal only: compare from the first table after it.
  visible=$(printf '%s\n' "$coloured" | sed 's/\x1b\[[0-9;]*m//g')
  plain=$($command --color never 2>/dev/null | cat || true)
  if [[ $table == stats\ $data* ]]; then
    visible=$(printf '%s\n' "$visible" | sed '1,/^ACCOUNT /d')
    plain=$(printf '%s\n' "$plain" | sed '1,/^ACCOUNT /d')
  fi
  if [[ $visible == "$plain" && -n $plain ]]; then
    echo "ok   aligned as in a pipe: $table"
  else
    echo "FAIL aligned as in a pipe: $table"
    diff <(printf '%s\n' "$plain") <(printf '%s\n' "$visible") | head -5 || true
    failed=1
  fi
done
exit "$failed"
