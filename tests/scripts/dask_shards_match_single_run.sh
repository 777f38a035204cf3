#!/usr/bin/env bash
# Usage: dask_shards_match_single_run.sh TRAILSIFT GENERATOR DRIVER HUNT_RULES
#
# examples/distributed/trailsift_dask.py on a LocalCluster of 2 worker processes, over a
# generated mirror of 2 accounts, 2 regions and 2 days, one task per day folder, merged with
# trailsift merge: the same bytes and exit status as one trailsift run over the mirror, for
# stats and for hunt (HUNT_RULES: single-event rules and correlations, whose windows cross the
# day folders).
# Skipped (77) when Dask (Debian python3-distributed) is not installed.
set -euo pipefail
trailsift=$1
generator=$2
driver=$3
hunt_rules=$4
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
shards=$(find "$work/mirror" -path '*/CloudTrail/*' -type d -regex '.*/[0-9][0-9]/[0-9][0-9]$' | wc -l)
((shards == 8)) || { echo "FAIL: expected 8 day folders, found $shards"; exit 1; }
failed=0
cases=()
for args in "stats" "stats --by username,event-name --interval 1h" "stats --by error-code --errors"; do
  for form in table json csv; do
    [[ $form == csv && $args != *--by* ]] && continue
    cases+=("$form $args")
  done
done
# The rules' correlations have windows across midnight, hence across two day folders (tasks).
cases+=("table hunt -r $hunt_rules --min-level high" "ndjson hunt -r $hunt_rules --min-level critical")
for form_and_args in "${cases[@]}"; do
  form=${form_and_args%% *}
  args=${form_and_args#* }
  status=0
  # shellcheck disable=SC2086
  "$trailsift" $args -q -o "$form" "$work/mirror" > "$work/single" 2> /dev/null || status=$?
  echo "exit $status" >> "$work/single"
  status=0
  # shellcheck disable=SC2086
  "$python" "$driver" --trailsift "$trailsift" --workers 2 --mirror "$work/mirror" -o "$form" \
    -- $args -q > "$work/dask" 2> "$work/dask.err" || status=$?
  echo "exit $status" >> "$work/dask"
  if ! cmp -s "$work/single" "$work/dask"; then
    echo "FAIL: $args -o $form"
    diff "$work/single" "$work/dask" | head -10 || true
    head -5 "$work/dask.err"
    failed=$((failed + 1))
  fi
done
((failed == 0)) && echo "Dask over $shards shards equals one run"
exit "$failed"
