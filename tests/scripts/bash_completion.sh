#!/usr/bin/env bash
# The bash completion, loaded into bash, completes commands, options, option values and paths.
set -euo pipefail
trailsift=$(realpath "$1")
completion=$(realpath "$2")
cd "$(dirname "$completion")"  # for a path to complete
PATH="$(dirname "$trailsift"):$PATH"
source "$completion"
failures=0
expect() {  # expected-words word...
  local expected=$1
  shift
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _trailsift
  if [[ "${COMPREPLY[*]}" != "$expected" ]]; then
    echo "completing '$*': got '${COMPREPLY[*]}', expected '$expected'"
    failures=1
  fi
}
[[ $(complete -p trailsift) == "complete -F _trailsift trailsift" ]] || { echo "not registered"; exit 1; }
expect "filter" trailsift fil
expect "hunt help" trailsift h
expect "stats" trailsift help st
expect "--event-name" trailsift filter --event-n
expect "--max-size --max-record --max-count --max-results" trailsift filter --max
expect "table tsv text" trailsift filter -o t
expect "time input" trailsift filter --sort ""
expect "--error-code --errors" trailsift stats --by username --erro
expect "trailsift.bash" trailsift filter trailsift.b
((failures == 0)) && echo "bash completion: ok"
exit "$failures"
