#!/usr/bin/env bash
# Writes the fixtures of the `trailsift diff` golden cases from left.json, with jq alone (never
# trailsift), so that what each one changes is written down here. See README.md.
set -euo pipefail
cd "$(dirname "$0")"

# The same five records, re-serialized: keys sorted, pretty-printed, and jq's own spelling of
# strings and numbers ("caf\u00e9" becomes "café", "\/" becomes "/", 0.0 becomes 0, 1.50e3
# becomes 1500). No record is modified.
jq -S . left.json > reordered.json

# Known changes, one record per line (NDJSON):
#   e-0001 same; e-0002 removed;
#   e-0003 modified: sourceIPAddress, additionalEventData.bytesTransferredOut, errorCode added;
#   e-0004 modified deep inside an array: requestParameters.bucketPolicy.Statement[0].Principal;
#   e-0005 same, keys sorted; e-0006 added (mallory signs in).
jq -c '.Records
  | [ .[0],
      (.[2] | .sourceIPAddress = "203.0.113.99"
            | .additionalEventData.bytesTransferredOut = 3000
            | .errorCode = "AccessDenied"),
      (.[3] | .requestParameters.bucketPolicy.Statement[0].Principal = {"AWS": "arn:aws:iam::444455556666:root"}),
      (.[4] | to_entries | sort_by(.key) | from_entries),
      (.[0] | .eventID = "e-0006" | .eventTime = "2024-03-01T12:00:00Z"
            | .userIdentity.userName = "mallory" | .userIdentity.arn = "arn:aws:iam::111122223333:user/mallory"
            | .sourceIPAddress = "203.0.113.66") ]
  | .[]' left.json > changed.jsonl

# What `aws cloudtrail lookup-events` gives for the same records: newest first, each record a
# JSON string in CloudTrailEvent. No record differs.
jq '{Events: [.Records | reverse | .[] | {
      EventId: .eventID, EventName: .eventName, ReadOnly: (.readOnly | tostring),
      EventTime: .eventTime, EventSource: .eventSource, Username: (if .userIdentity.type == "Root" then "root" else .userIdentity.userName end),
      CloudTrailEvent: tojson }], NextToken: "example"}' left.json > lookup-events.json

# Duplicate deliveries: e-0001 and e-0004 twice each, as exact copies.
jq -c '.Records += [.Records[0], .Records[3]]' left.json > duplicated.json

# Behaviour: a baseline and an incident day, one record per line.
#   baseline: alice GetObject x20, bob ListBuckets x5, carol ConsoleLogin x1, dave GetObject x1
#   incident: alice GetObject x2, bob ListBuckets x5, carol ConsoleLogin x12,
#             mallory ConsoleLogin x1 (new), mallory GetObject x1 from 203.0.113.66 (new)
#   dave is gone.
behaviour() {
  jq -nc --argjson spec "$1" --arg day "$2" '
    $spec | to_entries[] | .key as $i | .value as [$user, $name, $count, $ip]
    | range($count) as $n
    | {eventTime: "\($day)T\(10 + $i):\($n | tostring | if length < 2 then "0" + . else . end):00Z",
       eventID: "\($day)-\($i)-\($n)", eventSource: "example.amazonaws.com", eventName: $name,
       userIdentity: {type: "IAMUser", userName: $user}, sourceIPAddress: $ip}'
}
behaviour '[["alice","GetObject",20,"192.0.2.10"],["bob","ListBuckets",5,"198.51.100.7"],
            ["carol","ConsoleLogin",1,"192.0.2.30"],["dave","GetObject",1,"192.0.2.40"]]' \
  2024-02-26 > baseline.jsonl
behaviour '[["alice","GetObject",2,"192.0.2.10"],["bob","ListBuckets",5,"198.51.100.7"],
            ["carol","ConsoleLogin",12,"192.0.2.30"],["mallory","ConsoleLogin",1,"203.0.113.66"],
            ["mallory","GetObject",1,"203.0.113.66"]]' \
  2024-03-01 > incident.jsonl

# From the real data: awsdocs_examples.json (23 records of the AWS documentation, MIT-0; see
# shared/realdata/PROVENANCE.md) re-serialized with sorted keys, and five known changes:
#   [0]  3fcfb182-... ConsoleLogin: sourceIPAddress changed                  -> modified
#   [4]  f8ef8fc5-... the second of two CheckMfa records with this ID (they
#        differ), removed                                                  -> removed, and
#                                                                             duplicate (2 / 1)
#   [12] StartInstances, which has no eventID, removed                      -> removed
#   [21] 234f004b-EXAMPLE RotateKey (its ID is also CreateServiceLinkedChannel's):
#        awsRegion changed                                                 -> modified
#   new: a copy of [17] UpdateTrail as StopLogging, eventID f0000000-...    -> added
# Everything else (19 records) must be identical.
realdata=${REALDATA:-../../../../shared/realdata}
if [[ -f $realdata/awsdocs_examples.json ]]; then
  jq -S '.Records |= (
      (.[0].sourceIPAddress = "203.0.113.200")
      | (.[21].awsRegion = "eu-central-1")
      | . + [.[17] | .eventID = "f0000000-0000-4000-8000-000000000001" | .eventName = "StopLogging"]
      | del(.[4, 12]))' "$realdata/awsdocs_examples.json" > awsdocs-changed.json
fi

# A mirror of left.json split over two files in an S3-like tree, to compare with a single file.
mkdir -p mirror/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01
jq -c '.Records |= .[0:3]' left.json > mirror/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/a.json
jq -c '.Records |= .[3:]' left.json | gzip -n > mirror/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/b.json.gz
