# For each Start record of `trailsift insights` (the input, one per line), which burst of the
# generator's summary ($s[0].bursts, passed with --slurpfile s) explains it: the same account,
# Region and API, overlapping in time. Gives {start, to (minutes), type, code, top (the first
# identity), burst (its index, or null)}. Used by bursts_found.sh and bench/run.sh.
def minutes: sub("Z$"; "") | strptime("%Y-%m-%dT%H:%M:%S") | mktime / 60;
select(.insightDetails.state == "Start")
| . as $i
| ($i.eventTime | minutes) as $from
| ($from + $i.insightDetails.insightContext.statistics.insightDuration) as $to
| [$s[0].bursts | to_entries[]
   | select(.value.account == $i.recipientAccountId and .value.region == $i.awsRegion
            and .value.event_source == $i.insightDetails.eventSource
            and .value.event_name == $i.insightDetails.eventName
            and (.value.start | minutes) < $to and (.value.end | minutes) > $from)
   | .key]
| {start: $i.eventTime, from: $from, to: $to, type: $i.insightDetails.insightType,
   code: $i.insightDetails.errorCode,
   top: $i.insightDetails.insightContext.attributions[0].insight[0].value, burst: .[0]}
