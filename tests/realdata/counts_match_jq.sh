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
# The jq side never calls trailsift: jq_records.sh says how it reads the corpus.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/jq_records.sh"

begin_check "$0" "$@"
records=$work/records.jsonl

write_records "$realdata" "$records"

if [[ ! -s $records ]]; then
  echo "error: jq found no records under $realdata" >&2
  exit 1
fi

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
