#!/usr/bin/env bash
# Builds the mirror of bench/run.sh's validate-state section: DAYS days of log files, each day
# the log files of SOURCE (a generated mirror of one day or less) again, hard-linked under the
# keys of that day (the date in the folder and the delivery time in the name shifted by whole
# days). The content of a file is not looked at by validate beyond its hash, so a month costs
# the disk of one day, and every day costs the same to validate.
#
#   bench/make_state_mirror.sh SOURCE OUT DAYS
#
# OUT must not exist. Sign OUT afterwards (trailsift-sign-mirror) for its digests.
set -euo pipefail
source="$1"
out="$2"
days="$3"
[[ ! -e "$out" ]] || { echo "make_state_mirror.sh: $out exists" >&2; exit 1; }
mkdir -p "$out"

# SOURCE_KEY<TAB>OUT_KEY for every log file and day.
(cd "$source" && find . -name '*.json.gz' -printf '%P\n' | LC_ALL=C sort) |
  jq -rR --argjson days "$days" '
    capture("^(?<head>(.+/)?AWSLogs/(.+/)?CloudTrail/[^/]+/)[0-9]{4}/[0-9]{2}/[0-9]{2}/(?<account>[0-9]{12})_CloudTrail_(?<region>[^_]+)_(?<time>[0-9]{8}T[0-9]{4}Z)_(?<rest>.+)$") as $key
    | ($key.time | strptime("%Y%m%dT%H%MZ") | mktime) as $delivered
    | range(0; $days) as $day
    | ($delivered + $day * 86400) as $time
    | "\(.)\t\($key.head)\($time | strftime("%Y/%m/%d"))/\($key.account)_CloudTrail_\($key.region)_\($time | strftime("%Y%m%dT%H%MZ"))_\($key.rest)"' \
  > "$out.keys"
cut -f2 "$out.keys" | sed 's|/[^/]*$||' | LC_ALL=C sort -u | (cd "$out" && xargs mkdir -p)
while IFS=$'\t' read -r from to; do
  ln "$source/$from" "$out/$to"
done < "$out.keys"
echo "make_state_mirror.sh: $(wc -l < "$out.keys") log files, $days days, into $out" >&2
rm "$out.keys"
