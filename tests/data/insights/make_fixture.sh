#!/usr/bin/env bash
# Writes two-days.ndjson.gz, the input of the golden cases in tests/cli/insights/: two days of
# one account's management events in two regions (the benchmark generator's traffic at a low
# rate, with a burst of CreateTags and an error storm of AttachRolePolicy on the second day),
# as NDJSON. To keep the file small, data events are left out and records keep only the fields
# insights and the table read: insights never reads the rest.
#
#   tests/data/insights/make_fixture.sh GENERATOR TRAILSIFT
#   (build/bench/trailsift-generate-mirror build/tools/trailsift)
set -euo pipefail
generator="$1"
trailsift="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
"$generator" --out "$scratch/mirror" --hours 48 --accounts 1 --regions 2 --rate-percent 0.1 \
  --burst event=CreateTags,start=2024-03-02T15:00:00Z,minutes=20,per-minute=2 \
  --burst event=AttachRolePolicy,start=2024-03-02T20:30:00Z,minutes=10,per-minute=1.5,error=AccessDenied \
  2> /dev/null
"$trailsift" filter -q --match eventCategory=Management "$scratch/mirror" \
  | jq -c '{eventVersion, userIdentity: (.userIdentity | {type, arn, accountId, userName, invokedBy}
              | with_entries(select(.value != null))),
            eventTime, eventSource, eventName, awsRegion, sourceIPAddress, userAgent, errorCode,
            readOnly, eventID, eventType, managementEvent, recipientAccountId, eventCategory}
           | with_entries(select(.value != null))' \
  | gzip -9n > "$here/two-days.ndjson.gz"
echo "make_fixture.sh: wrote $here/two-days.ndjson.gz ($(stat -c %s "$here/two-days.ndjson.gz") bytes)"
