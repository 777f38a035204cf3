#!/usr/bin/env bash
# Usage: dask_shards_match_single_run.sh TRAILSIFT GENERATOR DRIVER HUNT_RULES SIGNER KEY
#
# examples/distributed/trailsift_dask.py on a LocalCluster of 2 worker processes, over a
# generated mirror of 2 accounts, 2 regions and 2 days, merged with trailsift merge: the same
# bytes and exit status as one trailsift run over the mirror, for stats and hunt (one task per
# day folder; HUNT_RULES: single-event rules and correlations, whose windows cross the day
# folders), and for validate (one task per chain; the mirror signed by SIGNER with KEY, and a
# tampered copy).
# Skipped (77) when Dask (Debian python3-distributed) is not installed.
set -euo pipefail
trailsift=$1
generator=$2
driver=$3
hunt_rules=$4
signer=$5
signing_key=$6
# Debian's python3 has python3-distributed; a python3 earlier on PATH (pyenv, venv) may not.
python=
for candidate in python3 /usr/bin/python3; do
  if "$candidate" -c 'import dask.distributed' 2> /dev/null; then python=$candidate; break; fi
done
[[ -n $python ]] || { echo "no python3-distributed: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$generator" --out "$work/mirror" --hours 30 --rate-percent 1 --seed 5 --accounts 2 --regions 2 \
  --start 2024-03-01T12:00:00Z --jobs 1 > /dev/null 2>&1
"$signer" --key "$signing_key" --bucket acme-trail --public-keys "$work/keys.json" \
  --signatures "$work/signatures.json" "$work/mirror" > /dev/null 2>&1
# A tampered copy: one log file deleted, one changed, and a file outside the trails' folders.
cp -r "$work/mirror" "$work/tampered"
logs=$(find "$work/tampered" -path '*/CloudTrail/*' -name '*.json.gz' | sort)
rm "$(sed -n 100p <<< "$logs")"
printf '{"Records":[]}' | gzip > "$(sed -n 1000p <<< "$logs")"
echo notes > "$work/tampered/README.txt"
shards=$(find "$work/mirror" -path '*/CloudTrail/*' -type d -regex '.*/[0-9][0-9]/[0-9][0-9]$' | wc -l)
((shards == 8)) || { echo "FAIL: expected 8 day folders, found $shards"; exit 1; }
failed=0
cases=()  # "FORM ARGS", run over MIRROR (the last word when it is a folder, else the mirror)
for args in "stats" "stats --by username,event-name --interval 1h" "stats --by error-code --errors"; do
  for form in table json csv; do
    [[ $form == csv && $args != *--by* ]] && continue
    cases+=("$form $args")
  done
done
# The rules' correlations have windows across midnight, hence across two day folders (tasks).
cases+=("table hunt -r $hunt_rules --min-level high" "ndjson hunt -r $hunt_rules --min-level critical")
# One task per chain (account and region). The merged JSON report's options list the chains'
# accounts and regions, as one run given them does.
accounts=$(find "$work/mirror/AWSLogs" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort)
regions=$(find "$work/mirror/AWSLogs" -mindepth 3 -maxdepth 3 -printf '%f\n' | sort -u)
chains=()
for account in $accounts; do chains+=(--account-id "$account"); done
for region in $regions; do chains+=(--region "$region"); done
((${#chains[@]} == 8)) || { echo "FAIL: expected 2 accounts and 2 regions: ${chains[*]}"; exit 1; }
validate="validate --public-keys $work/keys.json --signatures $work/signatures.json"
cases+=("table $validate" "json $validate" "json $validate $work/tampered"
  "table $validate -v $work/tampered")
expected_exit=([${#cases[@]} - 2]=1 [${#cases[@]} - 1]=1)  # the tampered copy's INVALID files
for index in "${!cases[@]}"; do
  form=${cases[index]%% *}
  args=${cases[index]#* }
  mirror=$work/mirror
  [[ -d ${args##* } ]] && mirror=${args##* } args=${args% *}
  selection=()
  [[ $args == validate* ]] && selection=("${chains[@]}")
  status=0
  # shellcheck disable=SC2086
  "$trailsift" $args -q -o "$form" "${selection[@]}" "$mirror" > "$work/single" \
    2> "$work/single.err" || status=$?
  if ((status != ${expected_exit[index]:-0})); then
    echo "FAIL: $args -o $form: one run exits $status"
    failed=$((failed + 1))
  fi
  echo "exit $status" >> "$work/single"
  status=0
  # shellcheck disable=SC2086
  "$python" "$driver" --trailsift "$trailsift" --workers 2 --mirror "$mirror" -o "$form" \
    -- $args -q > "$work/dask" 2> "$work/dask.err" || status=$?
  echo "exit $status" >> "$work/dask"
  if [[ $args == validate* ]]; then
    # validate's table lists the files that are not valid on standard error (the merge's
    # too); Dask's own log lines have no tab and no trailsift prefix.
    for output in single dask; do
      grep -E $'\t|^trailsift (validate|merge): ' "$work/$output.err" |
        sed -E 's/^trailsift (validate|merge): //' >> "$work/$output" || true
    done
  fi
  if ! cmp -s "$work/single" "$work/dask"; then
    echo "FAIL: $args -o $form"
    diff "$work/single" "$work/dask" | head -10 || true
    head -5 "$work/dask.err"
    failed=$((failed + 1))
  fi
done
((failed == 0)) && echo "Dask over $shards day folders and 4 chains equals one run"
exit "$failed"
