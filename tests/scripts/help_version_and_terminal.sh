#!/usr/bin/env bash
# Usage: help_version_and_terminal.sh TRAILSIFT PROJECT_VERSION
#
# `trailsift help [COMMAND]` is `trailsift [COMMAND] --help`; `--version` names the version and
# the libraries; a terminal on standard input gets a one-line hint on stderr, a pipe never does.
set -euo pipefail
trailsift=$1
version=$2
failed=0
expect() {  # expect LABEL ACTUAL EXPECTED
  if [[ $2 == "$3" ]]; then
    echo "ok   $1"
  else
    printf 'FAIL %s\n     expected: %q\n     actual:   %q\n' "$1" "$3" "$2"
    failed=1
  fi
}

expect "help is --help" "$("$trailsift" help)" "$("$trailsift" --help)"
for command in $("$trailsift" --help | awk '/^Subcommands:/ {on = 1; next} on && !NF {exit} on {print $1}'); do
  expect "help $command is $command --help" "$("$trailsift" help "$command")" "$("$trailsift" "$command" --help)"
done
status=0
"$trailsift" help filtr 2> /dev/null || status=$?
expect "help of an unknown command is a usage error" "$status" 2

# What the user typed is escaped in the message, as every text output is.
expect "an unknown command is escaped" "$("$trailsift" $'filt\033er' 2>&1 | head -n 1 || true)" \
  "trailsift: unknown command 'filt\\033er'; did you mean 'filter'?"

versions=$("$trailsift" --version)
expect "--version first line" "$(head -n 1 <<< "$versions")" "trailsift $version"
# Each library once, with a version: digits, or `unknown` when its build does not say.
for library in simdjson zlib OpenSSL fmt yaml-cpp RE2 CLI11; do
  expect "--version names $library" \
    "$(grep -cE "^$library ([0-9]+\.[0-9]+(\.[0-9]+)?|unknown)( |$)" <<< "$versions")" 1
done

# A terminal on standard input: script(1) gives the command a pseudo-terminal, and the ^D it is
# sent ends the input there, as a user's would.
hint="reading events from standard input; Ctrl-D to end"
if command -v script > /dev/null; then
  on_terminal=$({ sleep 1; printf '\004'; sleep 1; } |
                timeout 20 script -qec "$trailsift filter -c; echo \"exit \$?\"" /dev/null | tr -d '\r')
  expect "a terminal on stdin gets the hint" "$on_terminal" $'trailsift filter: '"$hint"$'\n0\nexit 1'
  quiet=$({ sleep 1; printf '\004'; sleep 1; } |
          timeout 20 script -qec "$trailsift filter -q -c; echo \"exit \$?\"" /dev/null | tr -d '\r')
  expect "--quiet hides the hint" "$quiet" $'0\nexit 1'
else
  echo "FAIL script(1) (util-linux) is needed to give trailsift a terminal"
  failed=1
fi
expect "a pipe on stdin gets no hint" "$(echo '{"Records":[]}' | "$trailsift" filter -c 2>&1)" 0

exit "$failed"
