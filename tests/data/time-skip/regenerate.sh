#!/usr/bin/env bash
# Regenerates mirror/: a small, hand-made bucket mirror (TEST DATA, unsigned digests) whose log
# files test skipping by time: files delivered on three days, one of them late (it holds an
# event from two days before its delivery), a file no digest lists, and digests that list the
# others with their oldest and newest event times. Deterministic: gzip -n, fixed times.
set -euo pipefail
cd "$(dirname "$0")"
rm -rf mirror
account=111122223333
base=mirror/AWSLogs/$account
record() {  # record EVENT_ID TIME NAME
  printf '{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","userName":"alice","accountId":"%s"},"eventTime":"%s","eventSource":"s3.amazonaws.com","eventName":"%s","awsRegion":"us-east-1","eventID":"%s","readOnly":false,"recipientAccountId":"%s"}' \
    "$account" "$2" "$3" "$1" "$account"
}
log_file() {  # log_file DELIVERY(YYYYMMDDTHHMMZ) UNIQUE RECORD...
  local delivery=$1 unique=$2 day=${1:0:4}/${1:4:2}/${1:6:2}
  shift 2
  local dir=$base/CloudTrail/us-east-1/$day
  mkdir -p "$dir"
  local IFS=,
  printf '{"Records":[%s]}' "$*" | gzip -n > "$dir/${account}_CloudTrail_us-east-1_${delivery}_${unique}.json.gz"
}
log_file 20240301T0105Z AAAAAAAAAAAAAAA1 "$(record e-01 2024-03-01T00:58:00Z GetObject)" "$(record e-02 2024-03-01T01:01:00Z PutObject)"
log_file 20240301T2355Z AAAAAAAAAAAAAAA2 "$(record e-03 2024-03-01T23:50:00Z DeleteObject)"
log_file 20240302T1205Z AAAAAAAAAAAAAAA3 "$(record e-04 2024-03-02T12:01:00Z GetObject)"
# Delivered late: two days after its first event (CloudTrail's addendum DELIVERY_DELAY case).
log_file 20240303T0905Z AAAAAAAAAAAAAAA4 "$(record e-05 2024-03-01T10:00:00Z StopLogging)" "$(record e-06 2024-03-03T09:01:00Z GetObject)"
# Clock skew: an event stamped a few minutes after its file's delivery time.
log_file 20240303T1505Z AAAAAAAAAAAAAAA5 "$(record e-07 2024-03-03T15:09:00Z PutObject)"
# No digest lists this one: it is always read.
log_file 20240303T2005Z AAAAAAAAAAAAAAA6 "$(record e-08 2024-03-03T20:01:00Z DeleteBucket)"

digest() {  # digest END(YYYYMMDDTHHMMSSZ) FILE:OLDEST:NEWEST...
  local end=$1 day=${1:0:4}/${1:4:2}/${1:6:2}
  shift
  local dir=$base/CloudTrail-Digest/us-east-1/$day logs="" entry
  mkdir -p "$dir"
  for entry in "$@"; do
    IFS='|' read -r file oldest newest <<< "$entry"
    [[ -n $logs ]] && logs+=","
    logs+=$(printf '{"s3Bucket":"b","s3Object":"AWSLogs/%s/CloudTrail/us-east-1/%s","hashValue":"00","hashAlgorithm":"SHA-256","newestEventTime":"%s","oldestEventTime":"%s"}' "$account" "$file" "$newest" "$oldest")
  done
  local name=${account}_CloudTrail-Digest_us-east-1_trail_us-east-1_${end}.json.gz
  printf '{"awsAccountId":"%s","digestStartTime":"x","digestEndTime":"x","digestS3Bucket":"b","digestS3Object":"AWSLogs/%s/CloudTrail-Digest/us-east-1/%s/%s","digestPublicKeyFingerprint":"00","digestSignatureAlgorithm":"SHA256withRSA","newestEventTime":null,"oldestEventTime":null,"previousDigestS3Bucket":null,"previousDigestS3Object":null,"previousDigestHashValue":null,"previousDigestHashAlgorithm":null,"previousDigestSignature":null,"logFiles":[%s]}' \
    "$account" "$account" "$day" "$name" "$logs" | gzip -n > "$dir/$name"
}
f() { echo "${1:0:4}/${1:4:2}/${1:6:2}/${account}_CloudTrail_us-east-1_${1}_${2}.json.gz"; }
digest 20240301T020000Z "$(f 20240301T0105Z AAAAAAAAAAAAAAA1)|2024-03-01T00:58:00Z|2024-03-01T01:01:00Z"
digest 20240302T000000Z "$(f 20240301T2355Z AAAAAAAAAAAAAAA2)|2024-03-01T23:50:00Z|2024-03-01T23:50:00Z"
digest 20240302T130000Z "$(f 20240302T1205Z AAAAAAAAAAAAAAA3)|2024-03-02T12:01:00Z|2024-03-02T12:01:00Z"
digest 20240303T100000Z "$(f 20240303T0905Z AAAAAAAAAAAAAAA4)|2024-03-01T10:00:00Z|2024-03-03T09:01:00Z"
digest 20240303T160000Z "$(f 20240303T1505Z AAAAAAAAAAAAAAA5)|2024-03-03T15:09:00Z|2024-03-03T15:09:00Z"
