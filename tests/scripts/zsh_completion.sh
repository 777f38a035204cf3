#!/usr/bin/env bash
# Usage: zsh_completion.sh TRAILSIFT COMPLETION
#
# The zsh completion: compinit, in a non-interactive `zsh -f`, finds it on $fpath and binds
# _trailsift to trailsift; then _trailsift runs as compsys would call it (words, CURRENT,
# PREFIX set) with compadd, _describe, _files and _message replaced by functions that record
# what would be offered, and the candidates matching the prefix are compared. Exits 77
# (skipped) when zsh is not installed.
set -euo pipefail
command -v zsh >/dev/null || { echo "zsh is not installed: skipped"; exit 77; }
trailsift=$(realpath "$1")
completion=$(realpath "$2")
[[ $(basename "$completion") == _trailsift ]] || { echo "$completion: not named _trailsift"; exit 1; }
zsh -n "$completion"
dump=$(mktemp)
trap 'rm -f "$dump"' EXIT
PATH="$(dirname "$trailsift"):$PATH" zsh -f -s -- "$(dirname "$completion")" "$dump" <<'ZSH'
fpath=("$1" $fpath)
autoload -U compinit
compinit -u -d "$2"
if [[ $_comps[trailsift] != _trailsift ]]; then
  print "compinit did not bind _trailsift to trailsift: '$_comps[trailsift]'"
  exit 1
fi
# What compsys would offer: compadd's words after --, _describe's names, _files as FILES.
typeset -ga offered
compadd() { while (( $# )) && [[ $1 != -- ]]; do shift; done; shift; offered+=("$@"); }
_describe() { local -a pairs=("${(@P)4}"); offered+=("${(@)pairs%%:*}"); }
_files() { offered+=(FILES); }
_message() { :; }
integer failures=0
expect() {  # expected-words word... (the last is the prefix being completed)
  local expected=$1; shift
  offered=()
  local -a words=("$@")
  local CURRENT=$# PREFIX=$words[-1]
  _trailsift
  local -a matching=(${(M)offered:#${PREFIX}*})
  local got=${(j: :)${(ou)matching}}
  [[ $PREFIX != -* && $offered[-1] == FILES ]] && got=FILES
  if [[ $got != $expected ]]; then
    print "completing '$*': got '$got', expected '$expected'"
    failures=1
  fi
}
expect "filter" trailsift fil
expect "help hunt" trailsift h
expect "stats" trailsift help st
expect "--event-id --event-name --event-source --event-type" trailsift filter --event-
expect "--max-count --max-record --max-results --max-size" trailsift filter --max
expect "table text tsv" trailsift filter -o t
expect "input time" trailsift filter --sort ""
expect "--error-code --errors" trailsift stats --by username --erro
expect "FILES" trailsift filter some
# Every command is offered, as `trailsift --help` lists them.
names=(help ${(f)"$(trailsift --help | awk '/^Subcommands:/ {on = 1; next} on && !NF {exit} on {print $1}')"})
expect "${(j: :)${(@o)names}}" trailsift ""
(( failures == 0 )) && print "zsh completion: ok"
exit $failures
ZSH
