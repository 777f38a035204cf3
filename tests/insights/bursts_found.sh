#!/usr/bin/env bash
# trailsift insights against bursts injected by the benchmark generator: every burst Insights
# analyses (management calls; writes, or reads with --read) is found, in its account, region
# and API, of its type, starting within 3 minutes of the burst and ending within 5 minutes of
# its end, with the burst's principal first among the insight's identities. Bursts Insights
# does not analyse (data events; reads without --read) are not found. Insights matching no
# burst are counted as false positives and must not exceed what trailsift-insights(1) states;
# the same corpus without bursts is scored too.
#
#   tests/insights/bursts_found.sh TRAILSIFT GENERATOR
set -euo pipefail
trailsift="$1"
generator="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
fail() { echo "bursts_found.sh: FAILED: $*" >&2; exit 1; }

# Nine days, so that the last two have a full 7-day baseline; one account, two regions.
corpus=(--hours 216 --accounts 1 --regions 2 --rate-percent 0.3 --plain)
bursts=(
  # A busy write API at ten times its rate on a Friday afternoon.
  --burst event=CreateLogStream,start=2024-03-08T14:00:00Z,minutes=30,factor=10
  # An API the account seldom calls, called once a minute on a Saturday night.
  --burst event=RunInstances,start=2024-03-09T03:10:00Z,minutes=20,per-minute=1
  # Error storms: denied policy changes, and a busy API failing in the smaller region.
  --burst event=AttachRolePolicy,start=2024-03-09T16:00:00Z,minutes=10,per-minute=2,error=AccessDenied
  --burst event=CreateLogStream,start=2024-03-08T09:00:00Z,minutes=20,factor=50,region=us-west-2,error=AccessDeniedException
  # Early in the data: a two-day baseline.
  --burst event=StopInstances,start=2024-03-03T11:00:00Z,minutes=30,per-minute=0.8
  # A read API, found only with --read; a throttling storm on a read API, likewise.
  --burst event=DescribeInstances,start=2024-03-07T20:00:00Z,minutes=20,factor=10
  --burst event=GetSecretValue,start=2024-03-09T10:00:00Z,minutes=15,per-minute=2,error=ThrottlingException
  # A data event: Insights does not analyse data events, so this one must not be found.
  --burst event=PutObject,start=2024-03-08T20:00:00Z,minutes=20,per-minute=5
)
"$generator" --out "$scratch/quiet" "${corpus[@]}" 2> /dev/null
"$generator" --out "$scratch/bursts" "${corpus[@]}" "${bursts[@]}" --summary "$scratch/summary.json" \
  2> /dev/null

# The documented false positives (trailsift-insights(1), FALSE POSITIVES) on the quiet corpus.
declare -A documented=([writes]=0 [reads]=0)
for analysis in writes reads; do
  mode=""
  [[ $analysis == reads ]] && mode=--read
  # shellcheck disable=SC2086
  "$trailsift" insights -q $mode "$scratch/quiet" > "$scratch/quiet.ndjson" || [[ $? == 1 ]]
  quiet=$(jq -c 'select(.insightDetails.state == "Start")' "$scratch/quiet.ndjson" | wc -l)
  echo "insights ($analysis) on the corpus without bursts: $quiet (documented: ${documented[$analysis]})"
  (( quiet <= documented[$analysis] )) || fail "$quiet insights on the quiet corpus, more than documented"

  # shellcheck disable=SC2086
  "$trailsift" insights -q $mode "$scratch/bursts" > "$scratch/found.ndjson"
  # Each insight, and which burst explains it (the same account, region and API, overlapping).
  jq -c --slurpfile s "$scratch/summary.json" -f "$here/match_bursts.jq" "$scratch/found.ndjson" \
    > "$scratch/matched.ndjson"
  unexplained=$(jq -c 'select(.burst == null)' "$scratch/matched.ndjson" | wc -l)
  echo "insights ($analysis) with bursts: $(wc -l < "$scratch/matched.ndjson"), $unexplained matching no burst"
  (( unexplained <= documented[$analysis] )) || fail "$unexplained insights match no burst: $(jq -c 'select(.burst == null)' "$scratch/matched.ndjson")"

  count=$(jq '.bursts | length' "$scratch/summary.json")
  for ((b = 0; b < count; b++)); do
    burst=$(jq -c ".bursts[$b]" "$scratch/summary.json")
    name=$(jq -r '"\(.event_name) \(.kind) \(.error_code // "") \(.start)"' <<< "$burst")
    analysed=true
    [[ $(jq -r .management <<< "$burst") == false ]] && analysed=false  # a data event
    [[ $(jq -r .read_only <<< "$burst") == true && -z $mode ]] && analysed=false
    hit=$(jq -c --argjson b "$b" --argjson burst "$burst" -f "$here/burst_result.jq" \
            "$scratch/matched.ndjson" | head -1)
    if [[ $analysed == false ]]; then
      [[ -z $hit ]] || fail "burst $name is not analysed ($analysis) but was found: $hit"
      echo "  not analysed, not found: $name"
      continue
    fi
    [[ -n $hit ]] || fail "burst $name ($analysis) not found"
    start_off=$(jq .start_off <<< "$hit") end_off=$(jq .end_off <<< "$hit")
    echo "  found: $name: start $start_off min, end $end_off min from the burst's; top principal $(jq -r .top <<< "$hit")"
    (( start_off >= -3 && start_off <= 3 )) || fail "burst $name: the insight starts $start_off minutes off"
    (( end_off >= -5 && end_off <= 5 )) || fail "burst $name: the insight ends $end_off minutes off"
    [[ "$(jq -r .top <<< "$hit")" == "$(jq -r .principal <<< "$burst")" ]] \
      || fail "burst $name: top principal $(jq -r .top <<< "$hit"), the burst's was $(jq -r .principal <<< "$burst")"
  done
done
echo "bursts_found.sh: every burst Insights analyses was found"
