#!/usr/bin/env bash
# --identities: a corpus holds thousands of distinct principals, access keys and user names,
# counted with jq; without it, the ~120 of the stable population; and the stable population is
# the same either way.
#
#   tests/generator/identities.sh GENERATOR
set -euo pipefail
generator="$1"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for n in 0 5000; do
  "$generator" --out "$scratch/$n" --size-mb 15 --accounts 2 --regions 2 --identities "$n" \
    --summary "$scratch/$n.json" 2> /dev/null
  find "$scratch/$n" -name '*.json.gz' | LC_ALL=C sort | xargs zcat \
    | jq -r '.Records[].userIdentity | [.arn // "", .accessKeyId // ""] | @tsv' > "$scratch/$n.tsv"
done
distinct() { cut -f"$2" "$scratch/$1.tsv" | grep -v '^$' | sort -u | wc -l; }
fail() { echo "identities.sh: $*" >&2; exit 1; }

plain_arns=$(distinct 0 1) crowd_arns=$(distinct 5000 1) crowd_keys=$(distinct 5000 2)
echo "distinct ARNs: $plain_arns without --identities, $crowd_arns with 5000 (access keys: $crowd_keys)"
(( plain_arns < 300 )) || fail "without --identities: $plain_arns distinct ARNs, expected the stable ~120"
(( crowd_arns > 2000 )) || fail "with --identities 5000: only $crowd_arns distinct ARNs"
(( crowd_keys > 2000 )) || fail "with --identities 5000: only $crowd_keys distinct access keys"
[[ "$(jq .identities "$scratch/5000.json")" == 5000 ]] || fail "summary without identities: 5000"
[[ "$(jq .identities "$scratch/0.json")" == null ]] || fail "summary names identities when none were asked"
# The stable population does not depend on the crowd: every ARN of the plain corpus that is a
# user or role of the organization still exists with the crowd (the crowd only adds).
missing=$(comm -23 <(cut -f1 "$scratch/0.tsv" | grep -v '^$' | sort -u) \
                   <(cut -f1 "$scratch/5000.tsv" | sort -u) | wc -l)
(( missing < plain_arns / 10 )) || fail "$missing of the plain corpus's ARNs are gone with the crowd"
