#!/usr/bin/env bash
# Usage: counts_match_jq.sh TRAILSIFT REALDATA_DIR
#
# Asks the same questions of the whole real-data corpus twice: once with jq, which reads every
# input shape itself (the {"Records":[...]} log files, bare arrays, NDJSON, lookup-events lines
# whose CloudTrailEvent string is the record, .json.gz through zcat), and once with
# `trailsift filter --count`. Each question prints `ok   <question>: N` or a FAIL line with both
# answers; the last line is `P passed, F failed`. Exit 0 when all agree, 1 otherwise, 77 (skipped)
# when the corpus or jq is missing.
#
# The jq side never calls trailsift: it finds the files, unwraps the shapes, derives the console's
# user name and compares times on its own, following the rules written in the issue:
#   - a directory walk reads .json, .jsonl, .ndjson and their .gz forms, and skips
#     CloudTrail-Digest/ folders and *_CloudTrail-Digest_* files;
#   - a record is a JSON object with userIdentity or at least one of the top-level record fields
#     (eventVersion, eventTime, eventSource, eventName, awsRegion, sourceIPAddress, ...): the bare
#     userIdentity example in awsdocs_examples.json is one, a digest or a key list is not;
#   - user name: "root" for Root; the last "/" part of the ARN for AssumedRole and FederatedUser
#     (else what follows ":" in principalId); otherwise userIdentity.userName; for lookup-events
#     input the Event's own Username;
#   - readOnly may be a boolean or the string "true"/"false";
#   - the time range is inclusive at both ends, and a bare end date means the whole day.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 TRAILSIFT REALDATA_DIR" >&2
  exit 2
fi
trailsift=$1
realdata=$2

if [[ ! -d $realdata ]]; then
  echo "skipped: no real-data corpus at $realdata"
  exit 77
fi
if ! command -v jq >/dev/null 2>&1; then
  echo "skipped: jq is not installed (apt-get install jq)"
  exit 77
fi
if [[ ! -x $trailsift ]]; then
  echo "error: $trailsift is not an executable" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
records=$work/records.jsonl

# Every record of the corpus, one compact JSON object per line. A lookup Event becomes its
# inner record, with the Event's Username kept beside it as __lookup_username.
find "$realdata" -type f \
    \( -name '*.json' -o -name '*.jsonl' -o -name '*.ndjson' \
       -o -name '*.json.gz' -o -name '*.jsonl.gz' -o -name '*.ndjson.gz' \) \
    ! -path '*/CloudTrail-Digest/*' ! -name '*_CloudTrail-Digest_*' -print0 |
  LC_ALL=C sort -z |
  while IFS= read -r -d '' file; do
    if [[ $(head -c 2 -- "$file" | od -An -tx1 | tr -d ' \n') == 1f8b ]]; then
      zcat -- "$file"
    else
      cat -- "$file"
    fi | jq -c '
      (if type == "array" then .[]
       elif type == "object" and (.Records | type) == "array" then .Records[]
       elif type == "object" and (.Events | type) == "array" then .Events[]
       else . end)
      | select(type == "object")
      | if has("CloudTrailEvent") then
          (.Username) as $username
          | .CloudTrailEvent | fromjson | . + {__lookup: true, __lookup_username: $username}
        else . end
      | select(has("userIdentity") or any(keys[];
          IN("eventVersion", "eventTime", "eventSource", "eventName", "awsRegion",
             "sourceIPAddress", "userAgent", "errorCode", "errorMessage", "requestID", "eventID",
             "eventType", "readOnly", "managementEvent", "recipientAccountId", "eventCategory")))'
  done >"$records"

if [[ ! -s $records ]]; then
  echo "error: jq found no records under $realdata" >&2
  exit 1
fi

# jq definitions shared by the questions.
jq_defs='
def username:
  if .__lookup then (.__lookup_username // "")
  else (.userIdentity // {}) as $id
    | if $id.type == "Root" then "root"
      elif $id.type == "AssumedRole" or $id.type == "FederatedUser" then
        if (($id.arn // "") | contains("/")) then ($id.arn | split("/") | last)
        elif (($id.principalId // "") | contains(":")) then ($id.principalId | sub("^[^:]*:"; ""))
        else "" end
      else ($id.userName // "") end
  end;
def read_only($value): .readOnly == $value or .readOnly == ($value | tostring);
def seconds: if (.eventTime | type) == "string" then (.eventTime | fromdateiso8601) else null end;
def in_range($first; $last): seconds as $t | $t != null and $t >= $first and $t <= $last;
def has_error: .errorCode != null and .errorCode != "";
def ipv4_parts:
  if type == "string" and test("^(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}$")
  then (split(".") | map(tonumber) | if all(. <= 255) then . else null end) else null end;
'

passed=0
failed=0

# check QUESTION JQ_PREDICATE TRAILSIFT_OPTION...
check() {
  local question=$1 predicate=$2
  shift 2
  local expected actual status=0
  expected=$(jq -n "$jq_defs [inputs | select($predicate)] | length" "$records")
  # Exit status 1 (nothing matched) is an answer too; 2 would mean an input could not be read,
  # which the corpus must never cause (its digest and key list are only noted, and --quiet
  # drops the notes).
  actual=$("$trailsift" filter --quiet --count "$@" "$realdata" 2>"$work/stderr") || status=$?
  if [[ $status -gt 1 || -s $work/stderr ]]; then
    echo "FAIL $question: trailsift exited with status $status (jq says $expected, trailsift printed '$actual')"
    sed 's/^/     /' "$work/stderr"
    failed=$((failed + 1))
  elif [[ $expected == "$actual" ]]; then
    echo "ok   $question: $actual"
    passed=$((passed + 1))
  else
    echo "FAIL $question: jq says $expected, trailsift filter --count $* says $actual"
    failed=$((failed + 1))
  fi
}

check "all events" 'true'
check "--event-name AssumeRole" '.eventName == "AssumeRole"' --event-name AssumeRole
check "--event-name ConsoleLogin" '.eventName == "ConsoleLogin"' --event-name ConsoleLogin
check "--event-name GetSecretValue" '.eventName == "GetSecretValue"' --event-name GetSecretValue
check "--event-name assumerole -i" '(.eventName // "" | ascii_downcase) == "assumerole"' \
  --event-name assumerole -i
check "--errors" 'has_error' --errors
check "--error-code AccessDenied" '.errorCode == "AccessDenied"' --error-code AccessDenied
check "--username bert-jan (IAM user)" 'username == "bert-jan"' --username bert-jan
check "--username root" 'username == "root"' --username root
check "--username kamilo@cribl.io (AssumedRole session)" 'username == "kamilo@cribl.io"' \
  --username kamilo@cribl.io
check "--username fakeusername (lookup-events Username)" 'username == "fakeusername"' \
  --username fakeusername
check "--read-only true" 'read_only(true)' --read-only true
check "--read-only false" 'read_only(false)' --read-only false
check "--event-source s3.amazonaws.com" '.eventSource == "s3.amazonaws.com"' \
  --event-source s3.amazonaws.com
check "--region us-west-2" '.awsRegion == "us-west-2"' --region us-west-2
check "--account 123456789122" \
  '.recipientAccountId == "123456789122" or .userIdentity.accountId == "123456789122"' \
  --account 123456789122
check "--access-key-id ASIATFQR7NSCS5BLNV76" '.userIdentity.accessKeyId == "ASIATFQR7NSCS5BLNV76"' \
  --access-key-id ASIATFQR7NSCS5BLNV76
check "--source-ip 192.168.0.0/16" \
  '(.sourceIPAddress | ipv4_parts) as $ip | $ip != null and $ip[0] == 192 and $ip[1] == 168' \
  --source-ip 192.168.0.0/16
check "--source-ip 10.248.16.0/24" \
  '(.sourceIPAddress | ipv4_parts) as $ip | $ip != null and $ip[0:3] == [10, 248, 16]' \
  --source-ip 10.248.16.0/24
check "--start-time 2023-07-10T12:00:00Z --end-time 2023-07-10T12:15:00Z" \
  'in_range("2023-07-10T12:00:00Z" | fromdateiso8601; "2023-07-10T12:15:00Z" | fromdateiso8601)' \
  --start-time 2023-07-10T12:00:00Z --end-time 2023-07-10T12:15:00Z
check "--since 2022-01-03T21:02:16+01:00 --until 2022-01-03 (an offset; a date ends with its day)" \
  'in_range("2022-01-03T20:02:16Z" | fromdateiso8601; "2022-01-03T23:59:59Z" | fromdateiso8601)' \
  --since 2022-01-03T21:02:16+01:00 --until 2022-01-03
check "--event-type AwsConsoleSignIn" '.eventType == "AwsConsoleSignIn"' --event-type AwsConsoleSignIn
check "--match additionalEventData.MFAUsed=No" '.additionalEventData.MFAUsed == "No"' \
  --match additionalEventData.MFAUsed=No
check "--user-agent '*aws-cli*'" '(.userAgent // "") | contains("aws-cli")' --user-agent '*aws-cli*'
check "--username bert-jan --read-only false (AND)" 'username == "bert-jan" and read_only(false)' \
  --username bert-jan --read-only false
check "--event-name ConsoleLogin --event-name GetCallerIdentity (OR)" \
  '.eventName == "ConsoleLogin" or .eventName == "GetCallerIdentity"' \
  --event-name ConsoleLogin --event-name GetCallerIdentity

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
