#!/usr/bin/env bash
# Usage: control_characters_in_names.sh TRAILSIFT
#
# A file name can hold any byte but '/' and NUL: one holding a tab and a line break must not forge
# lines in trailsift's messages, nor an escape sequence reach the terminal. Every text output
# escapes such bytes as `ls -b` does; JSON output keeps them exact.
set -euo pipefail
trailsift=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
expect() {  # expect LABEL ACTUAL EXPECTED
  if [[ $2 == "$3" ]]; then
    echo "ok   $1"
  else
    printf 'FAIL %s\n     expected: %q\n     actual:   %q\n' "$1" "$3" "$2"
    failed=1
  fi
}

mkdir "$work/dir"
bad=$'evil\tvalid\nLog file.json'
printf '{"Records":[{"eventName":"x"},5]}' > "$work/dir/$bad"
printf 'x' > "$work/dir/"$'notes\e[2J.txt'
stderr=$("$trailsift" filter -c "$work/dir" 2>&1 >/dev/null) || true
expect "a read error names the file escaped" "$(grep -c 'record 2' <<< "$stderr")" "1"
expect "no line is forged" "$(wc -l <<< "$stderr" | tr -d ' ')" "2"
grep -q 'evil\\tvalid\\nLog file.json: record 2: byte 30: not a JSON object' <<< "$stderr" \
  && echo "ok   the name's tab and line break are written \\t and \\n" \
  || { echo "FAIL escaped name not found in: $stderr"; failed=1; }
grep -q 'notes\\033\[2J.txt: skipped' <<< "$stderr" \
  && echo "ok   an escape sequence in a name is written \\033" \
  || { echo "FAIL escaped escape not found in: $stderr"; failed=1; }
exit $failed
