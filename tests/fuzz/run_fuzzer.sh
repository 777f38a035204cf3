#!/usr/bin/env bash
# Runs one libFuzzer target for a fixed time: usage FUZZER SEEDS WORKDIR SECONDS.
# New inputs go to WORKDIR/corpus (the committed SEEDS folder is only read); a finding is saved
# in WORKDIR as crash-*, leak-*, timeout-* or oom-*, and makes the test fail.
set -euo pipefail
fuzzer="$1" seeds="$2" work="$3" seconds="$4"
mkdir -p "$work/corpus"
rm -f "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* "$work"/slow-unit-*
status=0
# -timeout: no input may take five seconds (hostile patterns included; a blow-up takes far
# longer, and the margin keeps a busy machine from making findings); -max_len: room for deep
# nesting and long lines. The default memory limit (2 GB) stands.
"$fuzzer" -max_total_time="$seconds" -timeout=5 -max_len=8192 \
  -artifact_prefix="$work/" -print_final_stats=1 "$work/corpus" "$seeds" 2> "$work/log" || status=$?
tail -n 40 "$work/log"
if ((status != 0)); then
  echo "finding: reproduce with $fuzzer $(ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null | head -n 1)"
fi
exit "$status"
