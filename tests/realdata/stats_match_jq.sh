#!/usr/bin/env bash
# Usage: stats_match_jq.sh TRAILSIFT REALDATA_DIR
#
# Checks `trailsift stats` over the whole real-data corpus against answers jq computes on its own
# (jq_records.sh says how it reads the corpus; the grouping below is jq's group_by): the overview's
# totals, every value of every overview list with its count, first and last time, the timeline,
# and groups by one, two and many fields, per day, narrowed by a selection. Lists are compared
# whole and in order (count descending, then value). Each question prints `ok   <question>` or a
# FAIL line and the first differing lines; the last line is `P passed, F failed`. Exit 0 when all
# agree, 1 otherwise, 77 (skipped) when the corpus or jq is missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/jq_records.sh"

begin_check "$0" "$@"
records=$work/records.jsonl
write_records "$realdata" "$records"
if [[ ! -s $records ]]; then
  echo "error: jq found no records under $realdata" >&2
  exit 1
fi

# The fields as the issue defines them, and groups rendered as trailsift's JSON lists them.
jq_defs+='
def time_or_null: try seconds catch null;
def text: if type == "string" then . else "" end;
def field($name):
  if $name == "account" then
    ((.recipientAccountId | text) as $r | if $r == "" then (.userIdentity.accountId | text) else $r end)
  elif $name == "region" then (.awsRegion | text)
  elif $name == "event-name" then (.eventName | text)
  elif $name == "event-source" then (.eventSource | text)
  elif $name == "username" then username
  elif $name == "principal-arn" then (.userIdentity.arn | text)
  elif $name == "source-ip" then (.sourceIPAddress | text)
  elif $name == "user-agent" then (.userAgent | text)
  elif $name == "error-code" then (failure | text)
  elif $name == "access-key-id" then (.userIdentity.accessKeyId | text)
  elif $name == "event-id" then (.eventID | text)
  elif $name == "userIdentity.type" then (.userIdentity.type | text)
  else error("unknown field \($name)") end;
def iso: if . == null then "null" else todate end;
# Rows of {key, t}, grouped: "count<TAB>key...<TAB>first<TAB>last", count descending, then key.
def groups:
  group_by(.key)
  | map({key: .[0].key, count: length, times: [.[].t | select(. != null)]})
  | sort_by(-.count, .key)[]
  | "\(.count)\t\(.key | join("\t"))\t\(.times | min | iso)\t\(.times | max | iso)";
'

passed=0
failed=0

# check QUESTION EXPECTED_FILE ACTUAL_FILE
check() {
  local question=$1 expected=$2 actual=$3
  if cmp -s "$expected" "$actual"; then
    echo "ok   $question ($(wc -l <"$actual") lines)"
    passed=$((passed + 1))
  else
    echo "FAIL $question: jq and trailsift differ (< jq, > trailsift)"
    diff "$expected" "$actual" | head -10 | sed 's/^/     /' || true
    failed=$((failed + 1))
  fi
}

# stats_json OUT TRAILSIFT_OPTION...: trailsift stats -o json over the corpus; it must exit 0
# with nothing on stderr (--quiet drops the notes about the digest and the key list).
stats_json() {
  local out=$1 status=0
  shift
  "$trailsift" stats --quiet -o json "$@" "$realdata" >"$out" 2>"$work/stderr" || status=$?
  if [[ $status -ne 0 || -s $work/stderr ]]; then
    echo "FAIL trailsift stats $*: exit status $status"
    sed 's/^/     /' "$work/stderr"
    failed=$((failed + 1))
    return 1
  fi
}

# by_question QUESTION JQ_SELECT FIELDS TRAILSIFT_OPTION...: groups by FIELDS (comma-separated),
# counted by jq over the records JQ_SELECT keeps, and by `trailsift stats --by FIELDS`.
by_question() {
  local question=$1 select=$2 fields=$3
  shift 3
  stats_json "$work/by.json" --by "$fields" "$@" || return 0
  jq -r --arg fields "$fields" '($fields | split(",")) as $f
    | .groups[] | "\(.count)\t\([$f[] as $name | .key[$name | gsub("-"; "_")]] | join("\t"))\t\(.first_seen // "null")\t\(.last_seen // "null")"' \
    "$work/by.json" >"$work/actual"
  jq -nr --arg fields "$fields" "$jq_defs"' ($fields | split(",")) as $f
    | [inputs | select('"$select"') | . as $r | {key: [$f[] as $name | $r | field($name)], t: time_or_null}]
    | groups' "$records" >"$work/expected"
  check "$question" "$work/expected" "$work/actual"
}

# The overview, every value of every list (--top 0).
if stats_json "$work/overview.json" --top 0; then
  jq -S '.totals | del(.files, .files_failed, .error_rate)' "$work/overview.json" >"$work/actual"
  jq -nS "$jq_defs"'[inputs] as $r
    | [$r[] | time_or_null | select(. != null)] as $times
    | {events: ($r | length),
       events_without_time: ([$r[] | select(time_or_null == null)] | length),
       first_event: ($times | min | if . == null then null else todate end),
       last_event: ($times | max | if . == null then null else todate end),
       read_only: ([$r[] | select(read_only(true))] | length),
       write: ([$r[] | select(read_only(false))] | length),
       read_only_unknown: ([$r[] | select(read_only(true) or read_only(false) | not)] | length),
       errors: ([$r[] | select(has_error)] | length)}' "$records" >"$work/expected"
  check "overview totals" "$work/expected" "$work/actual"

  for field in account region event-name event-source username principal-arn source-ip \
               user-agent error-code access-key-id; do
    jq -r --arg f "$field" '.top_values[$f].values[]
      | "\(.count)\t\(.value)\t\(.first_seen // "null")\t\(.last_seen // "null")"' \
      "$work/overview.json" >"$work/actual"
    jq -nr --arg f "$field" "$jq_defs"'[inputs | {key: [field($f)], t: time_or_null}
      | select($f != "error-code" or .key[0] != "")] | groups' "$records" >"$work/expected"
    check "overview list $field" "$work/expected" "$work/actual"
  done

  jq -r '.timeline[] | "\(.start)\t\(.count)"' "$work/overview.json" >"$work/actual"
  jq -nr "$jq_defs"'[inputs | time_or_null | select(. != null) | (. / 3600 | floor) * 3600]
    | group_by(.)[] | "\(.[0] | todate)\t\(length)"' "$records" >"$work/expected"
  check "overview timeline per hour" "$work/expected" "$work/actual"
fi

by_question "--by username,event-name" 'true' username,event-name
by_question "--by event-id (one group per event, duplicates counted)" 'true' event-id
by_question "--by userIdentity.type (a record path)" 'true' userIdentity.type
by_question "--by account,region,source-ip,user-agent" 'true' account,region,source-ip,user-agent
by_question "--errors --by error-code,principal-arn" 'has_error' error-code,principal-arn --errors
by_question "--username bert-jan --read-only false --by event-source,event-name" \
  'username == "bert-jan" and read_only(false)' event-source,event-name \
  --username bert-jan --read-only false
by_question "--since 2022-01-03T19:00:00Z --until 2022-01-03 --by region" \
  'in_range("2022-01-03T19:00:00Z" | fromdateiso8601; "2022-01-03T23:59:59Z" | fromdateiso8601)' \
  region --since 2022-01-03T19:00:00Z --until 2022-01-03

# Per day: every group's buckets, oldest first, events without a time last.
if stats_json "$work/daily.json" --by region --interval 1d; then
  jq -r '.groups[] | .key.region as $region | .buckets[] | "\($region)\t\(.start // "null")\t\(.count)"' \
    "$work/daily.json" >"$work/actual"
  jq -nr "$jq_defs"'[inputs | {region: field("region"), t: time_or_null}]
    | group_by(.region) | sort_by(-length, .[0].region)[]
    | group_by(.t == null, (if .t == null then 0 else (.t / 86400 | floor) end))[]
    | "\(.[0].region)\t\(.[0].t | if . == null then "null" else (. / 86400 | floor) * 86400 | todate end)\t\(length)"' \
    "$records" >"$work/expected"
  check "--by region --interval 1d" "$work/expected" "$work/actual"
fi

# Not an independent answer, but the promise of the issue: the same numbers on any thread count.
if stats_json "$work/threads1.json" --by username,event-name --interval 1h --threads 1 &&
   stats_json "$work/threads4.json" --by username,event-name --interval 1h --threads 4; then
  check "--threads 1 and --threads 4 give the same document" "$work/threads1.json" "$work/threads4.json"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
