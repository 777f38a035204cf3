#!/usr/bin/env bash
# Usage: fish_completion.sh TRAILSIFT COMPLETION
#
# The fish completion, loaded into fish, completes commands, options and option values:
# `complete -C LINE` prints fish's candidates for LINE, one per line (a tab before a description).
# Exits 77 (skipped) when fish is not installed.
set -euo pipefail
command -v fish >/dev/null || { echo "fish is not installed: skipped"; exit 77; }
trailsift=$(realpath "$1")
completion=$(realpath "$2")
export PATH="$(dirname "$trailsift"):$PATH"
failures=0
expect() {  # expected-words line
  local got
  got=$(fish --no-config -c "source '$completion'; complete -C '$2'" | cut -f1 | sort | tr '\n' ' ')
  if [[ "${got% }" != "$1" ]]; then
    echo "completing '$2': got '${got% }', expected '$1'"
    failures=1
  fi
}
expect "filter" "trailsift fil"
expect "help hunt" "trailsift h"
expect "stats" "trailsift help st"
expect "--event-id --event-name --event-source --event-type" "trailsift filter --event-"
expect "--max-count --max-record --max-results --max-size" "trailsift filter --max"
expect "table text tsv" "trailsift filter -o t"
expect "input time" "trailsift filter --sort "
expect "--error-code --errors" "trailsift stats --by username --erro"
# Every command is offered, as `trailsift --help` lists them.
commands=$("$trailsift" --help | awk '/^Subcommands:/ {on = 1; next} on && !NF {exit} on {print $1}' |
  sort | tr '\n' ' ')
expect "$(echo $commands help | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')" "trailsift "
((failures == 0)) && echo "fish completion: ok"
exit "$failures"
