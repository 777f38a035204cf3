#!/usr/bin/env bash
# Every subcommand in `trailsift --help` answers --help and has a man page, and so does
# trailsift; every option its --help lists is named in its man page (a short option may be
# named by its long form).
set -euo pipefail
trailsift="$1"
source_dir="$2"
failures=0

# Reports each option of a --help text that the man page does not name.
check_options() {  # help-text page
  local help=$1 page=$2 names name
  # Option lines start with their names, comma-separated: "  -m,--max-count,--max-results N".
  while read -r names; do
    for name in ${names//,/ }; do
      [[ $name == -h || $name == --help ]] && continue 2
      if ! grep -qE -- "(^|[^-[:alnum:]])${name}([^-[:alnum:]]|\$)" "$page" &&
         [[ $name == --* || $names != *--* ]]; then
        echo "$page does not name $name"
        failures=1
      fi
    done
  done < <(awk '/^ +-/ {print $1}' <<< "$help")
}

page="$source_dir/docs/man/trailsift.1.md"
if [[ -f "$page" ]]; then
  check_options "$("$trailsift" --help)" "$page"
else
  echo "missing docs/man/trailsift.1.md"
  failures=1
fi
# The help is read whole first: awk stops early, and a pipe closed early would fail the script.
help=$("$trailsift" --help)
commands=$(awk '/^Subcommands:/ {on = 1; next} on && !NF {exit} on {print $1}' <<< "$help")
[[ -n "$commands" ]] || { echo "trailsift --help lists no subcommands"; exit 1; }
for command in $commands; do
  command_help=$("$trailsift" "$command" --help)
  if ! grep -q "^Usage: " <<< "$command_help"; then
    echo "trailsift $command --help prints no usage"
    failures=1
  fi
  page="$source_dir/docs/man/trailsift-$command.1.md"
  if [[ ! -f "$page" ]] || ! grep -q "^# EXIT STATUS" "$page"; then
    echo "missing $page, or its EXIT STATUS section"
    failures=1
  else
    check_options "$command_help" "$page"
  fi
done
((failures == 0)) && echo "documented, with every option: $(echo $commands)"
exit "$failures"
