#!/usr/bin/env bash
# Runs one libFuzzer target for a fixed time: usage FUZZER SEEDS WORKDIR SECONDS.
# New inputs go to WORKDIR/corpus (the committed SEEDS folder is only read); a finding is saved
# in WORKDIR as crash-*, leak-*, timeout-* or oom-*, and makes the test fail.
set -euo pipefail
fuzzer="$1" seeds="$2" work="$3" seconds="$4"
mkdir -p "$work/corpus"
rm -f "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* "$work"/slow-unit-*
status=0
# -timeout: no input of at most -max_len (8 KB: room for deep nesting and long lines) may take
# 25 s. Inputs take milliseconds and an exponential blow-up far longer; the margin is for a
# loaded machine, where a 5 s limit was reached by a 20 ms input. Memory: the default, 2 GB.
"$fuzzer" -max_total_time="$seconds" -timeout=25 -max_len=8192 \
  -artifact_prefix="$work/" -print_final_stats=1 "$work/corpus" "$seeds" 2> "$work/log" || status=$?
tail -n 40 "$work/log"
if ((status != 0)); then
  echo "finding: reproduce with $fuzzer $(ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null | head -n 1)"
fi
exit "$status"
