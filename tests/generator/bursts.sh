#!/usr/bin/env bash
# --burst: the calls the summary lists are in the mirror, in the burst's window, account and
# region, made by its principal, failing with its error code; the everyday traffic around them
# is unchanged (the same files hold the same background records).
#
#   tests/generator/bursts.sh GENERATOR
set -euo pipefail
generator="$1"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
common=(--hours 3 --accounts 2 --regions 2 --rate-percent 2 --plain)
"$generator" --out "$scratch/plain" "${common[@]}" --summary "$scratch/plain.json" 2> /dev/null
"$generator" --out "$scratch/burst" "${common[@]}" --summary "$scratch/burst.json" \
  --burst event=CreateTags,start=2024-03-01T01:00:00Z,minutes=20,factor=30 \
  --burst event=GetSecretValue,start=2024-03-01T01:30:00Z,minutes=7,per-minute=4.5,account=2,region=us-west-2,error=AccessDeniedException \
  2> /dev/null
fail() { echo "bursts.sh: $*" >&2; exit 1; }
records() { find "$1" -name '*.json' | LC_ALL=C sort | xargs cat | jq -c '.Records[]'; }
records "$scratch/plain" > "$scratch/plain.ndjson"
records "$scratch/burst" > "$scratch/burst.ndjson"

[[ "$(jq '.bursts | length' "$scratch/burst.json")" == 2 ]] || fail "summary lists $(jq '.bursts | length' "$scratch/burst.json") bursts"
for i in 0 1; do
  burst=$(jq -c ".bursts[$i]" "$scratch/burst.json")
  found=$(jq -c --argjson b "$burst" 'select(.eventName == $b.event_name and .recipientAccountId == $b.account
      and .awsRegion == $b.region and .userIdentity.arn == $b.principal
      and .eventTime >= $b.start and .eventTime < $b.end
      and (.errorCode // "") == ($b.error_code // ""))' "$scratch/burst.ndjson" | wc -l)
  background=$(jq -c --argjson b "$burst" 'select(.eventName == $b.event_name and .recipientAccountId == $b.account
      and .awsRegion == $b.region and .userIdentity.arn == $b.principal
      and .eventTime >= $b.start and .eventTime < $b.end
      and (.errorCode // "") == ($b.error_code // ""))' "$scratch/plain.ndjson" | wc -l)
  calls=$(jq .calls <<< "$burst")
  echo "burst $i: $calls calls listed, $((found - background)) found ($background such calls anyway)"
  [[ $((found - background)) == "$calls" ]] || fail "burst $i: the summary says $calls calls, the mirror has $((found - background))"
  (( calls > 0 )) || fail "burst $i injected nothing"
done
# factor=30: 29 times the usual calls are added (rounded at each 5-minute window).
jq -e '.bursts[0] | (.calls >= (.usual_calls * 29 - 4)) and (.calls <= (.usual_calls * 29 + 4))' \
  "$scratch/burst.json" > /dev/null || fail "burst 0: $(jq -c '.bursts[0] | [.calls, .usual_calls]' "$scratch/burst.json") is not 29 times"
# per-minute=4.5 for 7 minutes: 31.5 calls, rounded one way or the other.
jq -e '.bursts[1].calls == 31 or .bursts[1].calls == 32' "$scratch/burst.json" > /dev/null \
  || fail "burst 1: $(jq .bursts[1].calls "$scratch/burst.json") calls, expected 31 or 32"
# Everything else is the same records.
extra=$(( $(wc -l < "$scratch/burst.ndjson") - $(wc -l < "$scratch/plain.ndjson") ))
[[ $extra == $(jq '[.bursts[].calls] | add' "$scratch/burst.json") ]] || fail "$extra records more than the plain corpus"
diff <(sort "$scratch/plain.ndjson") <(sort "$scratch/burst.ndjson") > "$scratch/diff" || true
[[ "$(grep -c '^<' "$scratch/diff")" == 0 ]] || fail "background records changed with the bursts"
[[ "$(grep -c '^>' "$scratch/diff")" == "$extra" ]] || fail "$(grep -c '^>' "$scratch/diff") records added, $extra injected"
echo "bursts.sh: every injected call found; the background is unchanged"
