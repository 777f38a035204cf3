#!/usr/bin/env bash
# Usage: diff_known_changes.sh TRAILSIFT REALDATA_DIR
#
# Copies the whole real-data corpus, makes known changes to the copy with jq, in every input
# shape the corpus has, and checks that `trailsift diff -o ndjson CORPUS COPY` reports exactly
# those changes: the same kinds, eventIDs and field paths, computed here from the changes made,
# never from trailsift's output. Re-serializing (sorted keys, pretty-printing, jq's own spelling
# of strings and numbers, gzip again) must not count as a change.
# Prints `ok ...` or a FAIL line with both answers. Exit 0 when all agree, 1 otherwise, 77
# (skipped) when the corpus or jq is missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/jq_records.sh"

begin_check "$0" "$@"
copy=$work/copy
cp -r "$realdata" "$copy"
chmod -R u+w "$copy"
expected=$work/expected.tsv  # change <TAB> eventID <TAB> field paths, comma-separated
: > "$expected"
expect() { printf '%s\t%s\t%s\n' "$1" "$2" "${3:-}" >> "$expected"; }
# Not `| head`: with pipefail, a writer cut off by SIGPIPE would fail the script at random.
nth() { find "$copy/$1" -type f | LC_ALL=C sort | sed -n "${2}p"; }
rewrite() {  # rewrite FILE JQ_PROGRAM [JQ_ARGS...]: FILE through jq, pretty and with sorted keys
  local file=$1 program=$2
  shift 2
  jq -S "$@" "$program" "$file" > "$work/tmp" && mv "$work/tmp" "$file"
}

# 1. A native log file ({"Records":[...]}, plain JSON): the first record removed, the second's
#    sourceIPAddress changed, a copy of the third added under a new eventID.
file=$(nth invictus-aws-2023 1)
expect removed "$(jq -r '.Records[0].eventID' "$file")"
expect modified "$(jq -r '.Records[1].eventID' "$file")" sourceIPAddress
expect added realdata-added-1
rewrite "$file" '.Records |= (.[1].sourceIPAddress = "203.0.113.1"
                             | . + [.[2] | .eventID = "realdata-added-1"] | .[1:])'

# 2. Bare arrays: one re-serialized only; in another, the first record's userAgent changed.
rewrite "$(nth stratus-detonation 1)" '.'
file=$(nth stratus-detonation 2)
expect modified "$(jq -r '.[0].eventID' "$file")" userAgent
rewrite "$file" '.[0].userAgent = "changed-agent"'

# 3. NDJSON: the fifth line's awsRegion changed; every line re-serialized.
file=$copy/otrf_ec2_proxy_s3_exfil.jsonl
expect modified "$(sed -n 5p "$file" | jq -r .eventID)" awsRegion
jq -c 'if input_line_number == 5 then .awsRegion = "eu-north-1" else . end' "$file" > "$work/tmp"
mv "$work/tmp" "$file"

# 4. lookup-events lines: inside the first Event's CloudTrailEvent string, errorCode added and
#    a nested field changed.
file=$copy/plaso_lookup_events.jsonl
expect modified "$(sed -n 1p "$file" | jq -r '.CloudTrailEvent | fromjson | .eventID')" \
  "errorCode,userIdentity.accountId"
jq -c 'if input_line_number == 1 then .CloudTrailEvent |= (fromjson
         | .errorCode = "Injected" | .userIdentity.accountId = "999999999999" | tojson)
       else . end' "$file" > "$work/tmp"
mv "$work/tmp" "$file"

# 5. Gzip: the second record removed, gzip again.
file=$copy/loki_promtail_2023.json.gz
expect removed "$(zcat "$file" | jq -r '.Records[1].eventID')"
zcat "$file" | jq -S '.Records |= .[0:1]' | gzip -n > "$work/tmp"
mv "$work/tmp" "$file"

# 6. A whole file missing: each of its records removed.
file=$(nth cribl-controltower-2022 1)
jq -r '.Records[].eventID' "$file" | while read -r id; do expect removed "$id"; done
rm "$file"

# 7. A duplicate delivery: the first record of a gzip file twice.
file=$(nth trailscraper-2017 1)
expect duplicate "$(zcat "$file" | jq -r '.Records[0].eventID')"
zcat "$file" | jq -c '.Records += [.Records[0]]' | gzip -n > "$work/tmp"
mv "$work/tmp" "$file"

status=0
"$trailsift" diff -q -o ndjson "$realdata" "$copy" > "$work/diff.ndjson" 2> "$work/stderr" \
  || status=$?
jq -r '[.change, .eventID, ([.fields[].path] | join(","))] | @tsv' "$work/diff.ndjson" |
  LC_ALL=C sort > "$work/actual.tsv"
LC_ALL=C sort -o "$expected" "$expected"

failures=0
check() {  # check NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then
    echo "ok   $1: $2"
  else
    echo "FAIL $1: expected $2, trailsift gave $3"
    failures=$((failures + 1))
  fi
}
check "exit status (1: differences)" 1 "$status"
check "changes found" "$(wc -l < "$expected")" "$(wc -l < "$work/actual.tsv")"
if ! cmp -s "$expected" "$work/actual.tsv"; then
  echo "FAIL the changes differ (expected < > trailsift):"
  diff "$expected" "$work/actual.tsv" || true
  failures=$((failures + 1))
else
  echo "ok   every change is the one made, with its field paths"
fi
# Every event not changed is identical: left = identical + removed + modified.
summary=$(sed -n '$p' "$work/stderr")
read -r identical left \
  < <(sed -E 's/.* ([0-9]+) identical \(left: ([0-9]+) events?.*/\1 \2/' <<< "$summary")
removed=$(grep -c '^removed' "$expected" || true)
modified=$(grep -c '^modified' "$expected" || true)
check "identical events" "$((left - removed - modified))" "$identical"
echo "$summary"
exit $((failures > 0))
