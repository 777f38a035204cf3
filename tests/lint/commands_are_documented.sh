#!/usr/bin/env bash
# Every subcommand in `trailsift --help` answers --help and has a man page, and so does trailsift.
set -euo pipefail
trailsift="$1"
source_dir="$2"
failures=0
[[ -f "$source_dir/docs/man/trailsift.1.md" ]] || { echo "missing docs/man/trailsift.1.md"; failures=1; }
# The help is read whole first: awk stops early, and a pipe closed early would fail the script.
help=$("$trailsift" --help)
commands=$(awk '/^Subcommands:/ {on = 1; next} on && !NF {exit} on {print $1}' <<< "$help")
[[ -n "$commands" ]] || { echo "trailsift --help lists no subcommands"; exit 1; }
for command in $commands; do
  if ! grep -q "^Usage: " <<< "$("$trailsift" "$command" --help)"; then
    echo "trailsift $command --help prints no usage"
    failures=1
  fi
  page="$source_dir/docs/man/trailsift-$command.1.md"
  if [[ ! -f "$page" ]] || ! grep -q "^# EXIT STATUS" "$page"; then
    echo "missing $page, or its EXIT STATUS section"
    failures=1
  fi
done
((failures == 0)) && echo "documented: $(echo $commands)"
exit "$failures"
