#!/usr/bin/env bash
# Large single inputs, standard input, decompression bombs and a long mirror asked for one hour:
# what issue 8 asks the streaming reader to hold (bench/README.md, "Large inputs").
#
# Usage: bench/large_inputs.sh [WORK_DIR]     (default: bench-work/large beside the repository)
# Environment:
#   TRAILSIFT       the binary (default: build/tools/trailsift)
#   GENERATOR       trailsift-generate-mirror (default: build/bench/trailsift-generate-mirror)
#   NDJSON_GB       size of the NDJSON file (default 10)
#   RECORDS_GB      size of the {"Records":[...]} file, written plain and gzip (default 3)
#   BOMB_GIB        inflated size of each of the 4 gzip bombs (default 10)
#   JQ_MB           size of the slice jq reads (jq is too slow for the whole; default 500)
#   MIRROR_DAYS     days of the long mirror (default 30)
# Prints a Markdown table on standard output; progress on standard error. Inputs are kept in
# WORK_DIR and reused when their size matches.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$repo/bench-work/large}
trailsift=${TRAILSIFT:-$repo/build/tools/trailsift}
generator=${GENERATOR:-$repo/build/bench/trailsift-generate-mirror}
ndjson_gb=${NDJSON_GB:-10}
records_gb=${RECORDS_GB:-3}
bomb_gib=${BOMB_GIB:-10}
jq_mb=${JQ_MB:-500}
mirror_days=${MIRROR_DAYS:-30}
say() { echo "large_inputs: $*" >&2; }
die() { say "$*"; exit 1; }
for tool in "$trailsift" "$generator"; do [[ -x $tool ]] || die "missing $tool (build the project first)"; done
for tool in jq libdeflate-gunzip igzip /usr/bin/time; do
  command -v "$tool" > /dev/null || die "missing $tool (.ci/install-deps installs it)"
done
mkdir -p "$work"
cd "$work"

# grow FILE BYTES: FILE made of copies of seed.ndjson, cut at a line, until it holds BYTES.
grow() {
  local file=$1 bytes=$2
  [[ -f $file && $(stat -c %s "$file") -ge $bytes ]] && return
  say "writing $file ($((bytes / 1000000)) MB)"
  : > "$file"
  while (($(stat -c %s "$file") < bytes)); do cat seed.ndjson >> "$file"; done
}

if [[ ! -s seed.ndjson ]]; then
  say "generating the seed records"
  rm -rf seed
  "$generator" --out seed --size-mb 200 --seed 8 2> /dev/null
  "$trailsift" filter -q seed > seed.ndjson
fi
grow big.ndjson $((ndjson_gb * 1000000000))
if [[ ! -f records.json || $(stat -c %s records.json) -lt $((records_gb * 1000000000)) ]]; then
  grow records.lines $((records_gb * 1000000000))
  say "writing records.json"
  { printf '{"Records":['; paste -sd, records.lines; printf ']}\n'; } > records.json
  rm -f records.lines records.json.gz
fi
if [[ ! -f records.json.gz ]]; then
  say "compressing records.json"
  igzip -1 -c records.json > records.json.gz
fi
for i in 1 2 3 4; do
  if [[ ! -f bomb$i.json.gz || $(cat bomb$i.size 2> /dev/null) != "$bomb_gib" ]]; then
    say "writing bomb$i.json.gz ($bomb_gib GiB of zeros, inflated)"
    head -c "${bomb_gib}G" /dev/zero | igzip -1 -c > bomb$i.json.gz
    echo "$bomb_gib" > bomb$i.size
  fi
done
head -c $((jq_mb * 1000000)) big.ndjson | awk 'NR > 1 {print prev} {prev = $0}' > slice.ndjson

# The long mirror: MIRROR_DAYS days at a low rate, one hour asked for in the middle.
if [[ ! -d mirror || $(cat mirror.days 2> /dev/null) != "$mirror_days" ]]; then
  say "generating a mirror of $mirror_days days"
  rm -rf mirror
  "$generator" --out mirror --hours $((mirror_days * 24)) --rate-percent 2 --accounts 2 --regions 2 \
    --seed 9 2> /dev/null
  echo "$mirror_days" > mirror.days
fi
find mirror -name '*.json.gz' -not -path '*CloudTrail-Digest*' | sort > mirror.list
hour_start=$(date -u -d "2024-03-01 + $((mirror_days / 2)) days 12:00" +%Y-%m-%dT%H:%M:%SZ)
hour_end=$(date -u -d "$hour_start + 59 minutes 59 seconds" +%Y-%m-%dT%H:%M:%SZ)

echo "| input | command | wall (s) | user CPU (s) | peak RSS (MB) | GB/s of JSON | exit |"
echo "|---|---|---:|---:|---:|---:|---:|"
# row LABEL JSON_BYTES COMMAND: one run of COMMAND (bash -c), timed; the largest process's RSS.
row() {
  local label=$1 bytes=$2 command=$3 status=0
  say "$label: $command"
  /usr/bin/time -f '%e %U %M' -o time.txt bash -c "$command" > /dev/null 2> run.err || status=$?
  read -r wall user rss < <(tail -n 1 time.txt)  # after "Command exited with non-zero status N"
  awk -v l="$label" -v c="$command" -v w="$wall" -v u="$user" -v r="$rss" -v b="$bytes" -v s="$status" \
    'BEGIN {printf "| %s | `%s` | %.2f | %.2f | %.0f | %s | %s |\n", l, c, w, u, r / 1024,
            (b > 0 && w > 0 ? sprintf("%.2f", b / 1e9 / w) : "-"), s}'
}
size() { stat -c %s "$1"; }
t=$trailsift
cat big.ndjson records.json records.json.gz > /dev/null  # warm the page cache, as far as it goes
row "NDJSON, ${ndjson_gb} GB" "$(size big.ndjson)" "$t filter -c -q big.ndjson"
row "NDJSON, ${ndjson_gb} GB" "$(size big.ndjson)" "$t stats -q big.ndjson"
row "NDJSON, ${ndjson_gb} GB, stdin" "$(size big.ndjson)" "cat big.ndjson | $t filter -c -q -"
row "NDJSON, ${jq_mb} MB slice" "$(size slice.ndjson)" "jq -c 'select(.eventName == \"ConsoleLogin\")' slice.ndjson | wc -l"
row "NDJSON, ${jq_mb} MB slice" "$(size slice.ndjson)" "$t filter -c -q --event-name ConsoleLogin slice.ndjson"
row "Records, ${records_gb} GB" "$(size records.json)" "$t filter -c -q records.json"
row "Records, ${records_gb} GB" "$(size records.json)" "$t stats -q records.json"
row "Records, ${records_gb} GB, stdin" "$(size records.json)" "cat records.json | $t filter -c -q -"
row "Records, ${records_gb} GB, gzip" "$(size records.json)" "$t filter -c -q records.json.gz"
row "Records, ${records_gb} GB, gzip" "$(size records.json)" "$t stats -q records.json.gz"
row "Records, ${records_gb} GB, gzip, stdin" "$(size records.json)" "cat records.json.gz | $t filter -c -q -"
row "Records, ${records_gb} GB, gzip" "$(size records.json)" "libdeflate-gunzip -c records.json.gz"
row "Records, ${records_gb} GB, gzip" "$(size records.json)" "igzip -d -c records.json.gz"
row "4 gzip bombs of ${bomb_gib} GiB" "0" "$t filter -c -q bomb1.json.gz bomb2.json.gz bomb3.json.gz bomb4.json.gz"
row "4 gzip bombs, --max-size 1G" "0" "$t filter -c -q --max-size 1G bomb1.json.gz bomb2.json.gz bomb3.json.gz bomb4.json.gz"
row "${mirror_days}-day mirror, one hour" "0" "$t filter -q --since $hour_start --until $hour_end mirror"
row "${mirror_days}-day mirror, one hour, every file named" "0" "$t filter -q --since $hour_start --until $hour_end --files-from mirror.list"

# The hour asked for: the same events whether files are skipped or not, and how many were.
"$t" filter --since "$hour_start" --until "$hour_end" mirror > skipping.ndjson 2> skipping.err
"$t" filter -q --since "$hour_start" --until "$hour_end" --files-from mirror.list > full.ndjson
cmp -s skipping.ndjson full.ndjson || die "the hour's events differ between skipping and reading every file"
echo
echo "The ${mirror_days}-day mirror holds $(wc -l < mirror.list) log files; the hour asked for"
echo "(${hour_start} to ${hour_end}) holds $(wc -l < full.ndjson) events, the same with and without skipping (checked). The note:"
echo
sed 's/^/    /' skipping.err
