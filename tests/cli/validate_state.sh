#!/usr/bin/env bash
# Usage: validate_state.sh TRAILSIFT DATA_DIR
#
# `trailsift validate --state` across runs, which one golden case cannot show: the first run
# warns and saves the state, the next reads nothing that is known, a damaged state is replaced
# with a warning, a chain that went backwards is an error that leaves the state as it was,
# --recheck-fraction reports its seed, and no temporary file is left behind. DATA_DIR is
# tests/data/validate; the mirror is copied to a scratch folder first.
set -euo pipefail
trailsift=$1
data=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -a "$data/chain" "$work/chain"
mirror=$work/chain/bucket
state=$work/state.json
validate=("$trailsift" validate --public-keys "$work/chain/keys.json"
          --signatures "$work/chain/sigs-newest.json" --state "$state")
failed=0

# expect NAME EXPECTED ACTUAL
expect() {
  if [[ "$2" == "$3" ]]; then
    echo "ok   $1"
  else
    printf 'FAIL %s\n--- expected\n%s\n--- actual\n%s\n' "$1" "$2" "$3"
    failed=1
  fi
}

# run EXPECTED_EXIT ARGS...: runs trailsift validate, leaving stdout in $out and stderr in $err.
run() {
  local expected_exit=$1 status=0
  shift
  "${validate[@]}" "$@" "$mirror" > "$work/out" 2> "$work/err" || status=$?
  out=$(cat "$work/out")
  err=$(cat "$work/err")
  expect "exit status $expected_exit (${*:-no options})" "$expected_exit" "$status"
}

run 0
expect "a first run warns and reads every file" \
"trailsift validate: warning: no state in $state (a first run, or it was lost): every file is read
trailsift validate: --state: 0 file(s) known and unchanged, not read; 6 read (0 changed size)" "$err"
full_out=$out
expect "the state is saved" "yes" "$([[ -s $state ]] && echo yes)"

run 0
expect "the next run reads nothing known" \
  "trailsift validate: --state: 6 file(s) known and unchanged, not read; 0 read (0 changed size)" "$err"
expect "and says what the full run said" "$full_out" "$out"

printf 'truncated' | dd of="$state" bs=1 seek=100 conv=notrunc status=none
run 0
expect "a damaged state is replaced, with a warning" \
"trailsift validate: warning: $state: malformed state: its checksum does not match its content: every file is read, and the state replaced
trailsift validate: --state: 0 file(s) known and unchanged, not read; 6 read (0 changed size)" "$err"

run 0 -q --recheck-fraction 1 --recheck-seed 5
expect "a recheck is reported with its seed, even with -q" \
  "trailsift validate: --state: 0 file(s) known and unchanged, not read; 6 read (0 changed size); 6 known file(s) read again (--recheck-fraction 1 --recheck-seed 5): 0 differed" \
  "$err"

run 0 -o json
expect "JSON says how the state was used" \
  '"state":{"known":6,"read":0,"changed":0,"rechecked":0,"differed":0,"recheck_fraction":0,"recheck_seed":' \
  "$(grep -o '"state":{[^}]*"recheck_seed":' <<< "$out")"

saved=$(sha256sum < "$state")
newest=$(find "$mirror" -name '*CloudTrail-Digest*' | sort | tail -1)
mv "$newest" "$work/newest"
run 2
expect "a chain that went backwards is an error" \
  "trailsift validate: --state: the chain AWSLogs/123456789012/CloudTrail-Digest/us-east-1/foo/us-east-1 went backwards: ${newest#"$mirror/"}, its newest digest file when the state was saved, is not in the mirror" \
  "$err"
expect "and the state is left as it was" "$saved" "$(sha256sum < "$state")"
mv "$work/newest" "$newest"

status=0
"$trailsift" validate --recheck-fraction 0.5 --public-keys "$work/chain/keys.json" "$mirror" \
  > /dev/null 2> "$work/err" || status=$?
expect "--recheck-fraction needs --state" "2 trailsift validate: --recheck-fraction: only with --state" \
  "$status $(cat "$work/err")"
expect "no temporary file is left" "state.json" "$(cd "$work" && ls state.json*)"
exit $failed
