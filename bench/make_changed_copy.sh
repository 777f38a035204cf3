#!/usr/bin/env bash
# Makes a copy of a benchmark corpus with known changes, for `trailsift diff`:
#
#   bench/make_changed_copy.sh CORPUS COPY FILES > expected.json
#
# Every file of CORPUS is hard-linked into COPY, except FILES of them, taken at even steps
# through the sorted list of files. Each of those is rewritten by jq with its keys sorted and its
# whitespace changed (a re-serialization, which diff must not report) and with three changes:
#   - its first record is removed;
#   - its second record is modified: sourceIPAddress becomes "bench-modified";
#   - a record is added: a copy of its third record with eventID "bench-added-<N>".
# Prints what diff must find, worked out here and not by trailsift:
#   {"removed":FILES,"added":FILES,"modified":FILES,"files":FILES}
# The same arguments give the same copy.
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 CORPUS COPY FILES" >&2
  exit 2
fi
corpus=$1
copy=$2
count=$3

mapfile -t files < <(cd "$corpus" && find . -name '*.json.gz' | LC_ALL=C sort)
total=${#files[@]}
((count > 0 && count <= total)) || { echo "FILES must be between 1 and $total" >&2; exit 2; }

rm -rf "$copy"
mkdir -p "$copy"
(cd "$corpus" && find . -type d -print0 | (cd "$copy" && xargs -0 mkdir -p))
(cd "$corpus" && printf '%s\0' "${files[@]}" | xargs -0 -I{} ln {} "$copy/{}")

step=$((total / count))
for ((n = 0; n < count; n++)); do
  file=${files[n * step]}
  rm "$copy/$file"
  zcat "$corpus/$file" |
    jq -S --arg id "bench-added-$n" '
      if (.Records | length) < 3 then error("too few records") else . end
      | .Records[1].sourceIPAddress = "bench-modified"
      | .Records += [.Records[2] | .eventID = $id]
      | .Records |= .[1:]' |
    gzip -n > "$copy/$file"
done
printf '{"removed":%d,"added":%d,"modified":%d,"files":%d}\n' "$count" "$count" "$count" "$count"
