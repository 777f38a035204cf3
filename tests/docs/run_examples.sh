#!/usr/bin/env bash
# Runs the examples of one document and compares their output with what the document shows.
# An example is a line `$ COMMAND` in a fenced `console` block (continued while a line ends in
# `\`), followed by the standard output it prints; blank lines before the next command only
# separate. One shell runs them in order, as in a terminal, in a scratch folder that looks like
# the repository root (its top-level entries linked): they read the bundled data (examples/,
# tests/data/) and what they write stays out of the repository. An example fails when its
# output differs or its exit status is 2 or more (1 is "nothing matched" or "different"). A
# code block outside a console block that runs trailsift on the bundled data fails the test,
# so that no such example goes untested. TRAILSIFT_UPDATE_GOLDEN=1 rewrites the shown outputs.
set -uo pipefail
trailsift=$(realpath "$1")
source_dir=$(realpath "$2")
document=$(realpath "$3")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/root" "$scratch/examples"
ln -s "$source_dir"/* "$scratch/root/"
export PATH="$(dirname "$trailsift"):$PATH"

# Splits the document into examples/N.cmd, N.expected and N.line; prints the line number of
# each code block outside console blocks that runs trailsift on examples/.
awk -v out="$scratch/examples" '
  function flush() {
    if (n > 0 && !written[n]) {
      printf "%s", command > (out "/" n ".cmd"); close(out "/" n ".cmd")
      sub(/\n+$/, "\n", expected)  # blank lines before the next command only separate
      if (expected == "\n") expected = ""
      printf "%s", expected > (out "/" n ".expected"); close(out "/" n ".expected")
      # Where the shown output is (first line, number of lines), to replace it when blessing.
      print command_end + 1, gsub(/\n/, "\n", expected) > (out "/ranges")
      print line > (out "/" n ".line"); close(out "/" n ".line")
      # One shell runs them all, as a terminal would: `$?`, variables and files carry over.
      printf "{ :\n%s\n} > \"%s/%d.output\" 2> \"%s/%d.stderr\" < /dev/null\n", command, out, n, out, n \
        > (out "/script.sh")
      printf "status=$?; echo $status > \"%s/%d.status\"; (exit $status)\n", out, n > (out "/script.sh")
      written[n] = 1
    }
  }
  /^ *```/ && block == "" { block = ($0 ~ /^```console *$/) ? "console" : "other"; next }
  /^ *```/ { if (block == "console") flush(); block = ""; next }
  block == "other" && /(^|[^[:alnum:]\/-])trailsift .*(examples|tests\/data)\// { print FNR }
  block == "" && /^    +(\$ )?trailsift .*(examples|tests\/data)\// { print FNR }  # indented code
  block != "console" { next }
  continued { command = command "\n" $0; command_end = FNR; continued = /\\$/; next }
  /^\$ / {
    flush(); n++
    command = substr($0, 3); expected = ""; line = command_end = FNR; continued = /\\$/
    next
  }
  { expected = expected $0 "\n" }
' "$document" > "$scratch/outside"

name=${document#"$source_dir"/}
failures=0
while read -r line; do
  echo "$name:$line: trailsift runs on bundled data outside a console block, untested"
  failures=1
done < "$scratch/outside"
count=$(find "$scratch/examples" -name '*.cmd' | wc -l)
if ((count == 0)); then
  ((failures == 0)) && echo "$name: no console examples, and no untested one"
  exit "$failures"
fi
(cd "$scratch/root" && bash "$scratch/examples/script.sh")
for ((i = 1; i <= count; i++)); do
  example="$scratch/examples/$i"
  status=$(cat "$example.status" 2> /dev/null || echo "none (the examples stopped before it)")
  # Without its trailing blank lines, as the document shows it.
  awk '{lines[NR] = $0} NF {last = NR} END {for (i = 1; i <= last; i++) print lines[i]}' \
    "$example.output" > "$example.stdout" 2> /dev/null
  if [[ ! $status =~ ^[01]$ ]] || ! cmp -s "$example.expected" "$example.stdout"; then
    echo "$name:$(cat "$example.line"): \$ $(cat "$example.cmd")"
    echo "  exit status $status; stderr:"
    sed 's/^/    /' "$example.stderr" 2> /dev/null
    echo "  output (+) against the document (-):"
    diff -u "$example.expected" "$example.stdout" | tail -n +3 | sed 's/^/    /'
    failures=1
  fi
done
if ((failures != 0)) && [[ ${TRAILSIFT_UPDATE_GOLDEN:-} == 1 ]]; then
  # Blessing: each shown output becomes what the command printed; review the diff.
  awk -v examples="$scratch/examples" '
    FILENAME != ARGV[2] { start[$1] = FNR; count[FNR] = $2; next }
    FNR in start {
      i = start[FNR]
      while ((getline output < (examples "/" i ".stdout")) > 0) print output
      skip = count[i]
    }
    skip > 0 { skip--; next }
    { print }' "$scratch/examples/ranges" "$document" > "$scratch/blessed"
  cat "$scratch/blessed" > "$document"
  echo "$name: rewritten with the output of its examples"
fi
((failures == 0)) && echo "$name: $count examples, each printing what the document shows"
exit "$failures"
