#!/usr/bin/env bash
# Benchmarks trailsift against the tools people use today, on a generated CloudTrail mirror.
#
#   bench/run.sh [TRAILSIFT] [GENERATOR] [TRAILSIFT_ZLIB] > results.md
#
#   TRAILSIFT       built trailsift binary (default build/tools/trailsift); rows are "skipped" if absent
#   GENERATOR       built trailsift-generate-mirror (default build/bench/trailsift-generate-mirror)
#   TRAILSIFT_ZLIB  optional: trailsift built with -DTRAILSIFT_USE_LIBDEFLATE=OFF, to measure
#                   what the libdeflate dependency buys
#
# Environment:
#   BENCH_DIR      where the corpus lives (default /tmp/trailsift-bench); reused when it matches
#   BENCH_SIZE_MB  uncompressed JSON to generate, in 10^6 bytes (default 1100, i.e. > 1 GiB)
#   BENCH_SEED     generator seed (default 1)
#   BENCH_EVENTS   event names to look for (default "DeleteBucket GetObject": rare and common)
#   BENCH_RUNS     runs per fast case, best one kept (default 3); jq always runs once
#   BENCH_ONLY     "filter", "sort", "stats", "diff", "validate", "validate-state", "hunt" or "insights"
#                  to run one section (default: all)
#   BENCH_SIGMA    Sigma rules for the hunt rows (default: ../shared/sigma beside the repository,
#                  SigmaHQ's CloudTrail rules); without them the hunt section is skipped
#   BENCH_DIFF_FILES  files of the corpus changed in the copy that diff compares with it
#                  (default 100; three changes each, see bench/make_changed_copy.sh)
#   BENCH_SIGNER   built trailsift-sign-mirror (default: beside GENERATOR); signs a hard-linked
#                  copy of the corpus for the validate rows (TEST-ONLY key from examples/)
#   BENCH_IDENTITIES  optional: --identities for the corpus (e.g. 50000: tens of thousands of
#                  distinct user names, principals and access keys, as stats meets in large
#                  organizations); the default corpus has ~120
#   BENCH_INSIGHTS_HOURS  hours of the two multi-day corpora insights is scored on, one with
#                  injected bursts and one without (default 336: two weeks)
#   BENCH_STATE_DAYS   days validated in full before the incremental one (default 30)
#   BENCH_STATE_HOURS  hours of log files generated for each of those days (default 24)
#
# Markdown goes to stdout (paste it into docs/performance.md); progress goes to stderr.
set -euo pipefail

trailsift="${1:-build/tools/trailsift}"
generator="${2:-build/bench/trailsift-generate-mirror}"
trailsift_zlib="${3:-}"
bench_dir="${BENCH_DIR:-/tmp/trailsift-bench}"
size_mb="${BENCH_SIZE_MB:-1100}"
seed="${BENCH_SEED:-1}"
read -r -a event_names <<< "${BENCH_EVENTS:-DeleteBucket GetObject}"
runs="${BENCH_RUNS:-3}"
only="${BENCH_ONLY:-}"
diff_files="${BENCH_DIFF_FILES:-100}"
signer="${BENCH_SIGNER:-$(dirname "$generator")/trailsift-sign-mirror}"
insights_hours="${BENCH_INSIGHTS_HOURS:-336}"
signing_key="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/examples/test-signing-key.pem"
sigma="${BENCH_SIGMA:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/../shared/sigma}"

corpus="$bench_dir/corpus"
summary="$bench_dir/summary.json"
log="$bench_dir/last-command.log"

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: FAILED: %s\n' "$*" >&2; exit 1; }
[[ -z "$only" || "$only" =~ ^(filter|sort|stats|diff|validate|validate-state|hunt|insights)$ ]] \
  || die "BENCH_ONLY must be filter, sort, stats, diff, validate, validate-state, hunt or insights"
# section NAME: whether BENCH_ONLY lets that section run.
section() { [[ -z "$only" || "$only" == "$1" ]]; }

for tool in jq zcat libdeflate-gunzip /usr/bin/time; do
  command -v "$tool" > /dev/null || die "$tool is not installed"
done
[[ -x "$generator" ]] || die "generator not found at $generator (build target trailsift-generate-mirror)"
have_trailsift=0
if [[ -x "$trailsift" ]]; then
  have_trailsift=1
else
  say "no trailsift binary at $trailsift: its rows will be skipped"
fi
mkdir -p "$bench_dir"

# ---------------------------------------------------------------------------------------------
# Corpus: generated once, reused while its arguments and its files still match the summary.
# (validate-state builds its own mirror: alone, it needs no corpus.)
# ---------------------------------------------------------------------------------------------
gen_args=(--size-mb "$size_mb" --seed "$seed")
# Tens of thousands of distinct principals, as large organizations have (bench/README.md).
[[ -n "${BENCH_IDENTITIES:-}" ]] && gen_args+=(--identities "$BENCH_IDENTITIES")
main_corpus=1
[[ "$only" == validate-state ]] && main_corpus=0

corpus_matches() {
  [[ -f "$summary" && -f "$bench_dir/generator-args" && -d "$corpus" ]] || return 1
  [[ "$(cat "$bench_dir/generator-args")" == "${gen_args[*]}" ]] || return 1
  local files bytes
  files=$(find "$corpus" -name '*.json.gz' | wc -l)
  bytes=$(find "$corpus" -name '*.json.gz' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
  [[ "$files" == "$(jq -r .files "$summary")" && "$bytes" == "$(jq -r .compressed_bytes "$summary")" ]]
}

if ((!main_corpus)); then
  :
elif corpus_matches; then
  say "reusing the corpus in $corpus"
else
  say "generating ${size_mb} MB of CloudTrail JSON into $corpus"
  rm -rf "$corpus" "$summary" "$bench_dir/generator-args"
  start_ns=$(date +%s%N)
  "$generator" --out "$corpus" "${gen_args[@]}" --summary "$summary"
  say "generated in $(( ($(date +%s%N) - start_ns) / 1000000 )) ms"
  printf '%s\n' "${gen_args[*]}" > "$bench_dir/generator-args"
fi

# The signed mirror for validate: the same log files (hard links) plus hourly digests signed
# with the example's TEST-ONLY key, its public key and every digest's signature beside it.
signed="$bench_dir/signed"
have_signed=0
if ! section validate; then
  :
elif [[ -x "$signer" ]]; then
  if [[ -f "$bench_dir/signed-args" && "$(cat "$bench_dir/signed-args")" == "${gen_args[*]}" && -d "$signed" ]]; then
    say "reusing the signed mirror in $signed"
  else
    say "signing a copy of the corpus into $signed"
    rm -rf "$signed" "$bench_dir/signed-args"
    cp -al "$corpus" "$signed"
    "$signer" --key "$signing_key" --bucket bench-bucket --public-keys "$bench_dir/public-keys.json" \
      --signatures "$bench_dir/signatures.json" "$signed"
    printf '%s\n' "${gen_args[*]}" > "$bench_dir/signed-args"
  fi
  have_signed=1
else
  say "no trailsift-sign-mirror at $signer: the validate rows will be skipped"
fi

if ((main_corpus)); then
  json_bytes=$(jq -r .uncompressed_bytes "$summary")
  json_mb=$(awk -v b="$json_bytes" 'BEGIN {printf "%.0f", b / 1e6}')
  # Warm the page cache so that every case reads the same cached files.
  find "$corpus" -name '*.json.gz' -print0 | xargs -0 cat > /dev/null
fi

# ---------------------------------------------------------------------------------------------
# Measurement
# ---------------------------------------------------------------------------------------------
declare -A wall rss cpu

# bench_case ID RUNS COMMAND
#   Runs COMMAND (a bash string, with pipefail) RUNS times under GNU time and keeps the fastest
#   run: wall[ID] in seconds, cpu[ID] its user CPU seconds (every process of the pipeline),
#   rss[ID] in MB (the largest single process of the pipeline).
#   Fails the benchmark if the command fails.
bench_case() {
  local id="$1" count="$2" cmd="$3" timing="$bench_dir/time.txt" i seconds kb user
  wall[$id]="" rss[$id]="" cpu[$id]=""
  for ((i = 1; i <= count; i++)); do
    say "$id (run $i/$count)"
    /usr/bin/time -o "$timing" -f '%e %M %U' bash -o pipefail -c "$cmd" 2> "$log" \
      || die "$id: command failed (see $log): $cmd"
    read -r seconds kb user < "$timing"
    if [[ -z "${wall[$id]}" ]] || awk -v a="$seconds" -v b="${wall[$id]}" 'BEGIN {exit !(a < b)}'; then
      wall[$id]=$seconds
      rss[$id]=$(awk -v k="$kb" 'BEGIN {printf "%.0f", k / 1024}')
      cpu[$id]=$user
    fi
  done
}

# row LABEL SHOWN_COMMAND ID REFERENCE_ID: one Markdown table row ("skipped" when not measured).
row() {
  local label="$1" shown="$2" id="$3" ref="$4"
  shown=${shown//|/\\|}
  if [[ -z "${wall[$id]:-}" ]]; then
    printf '| %s | `%s` | skipped | | | |\n' "$label" "$shown"
    return
  fi
  local mbps ratio="n/a"
  mbps=$(awk -v b="$json_bytes" -v s="${wall[$id]}" 'BEGIN {printf "%.0f", (s > 0 ? b / 1e6 / s : 0)}')
  if [[ -n "${wall[$ref]:-}" ]]; then
    ratio=$(awk -v a="${wall[$id]}" -v b="${wall[$ref]}" 'BEGIN {printf "%.1f", (b > 0 ? a / b : 0)}')
  fi
  printf '| %s | `%s` | %.2f | %s | %s | %s |\n' "$label" "$shown" "${wall[$id]}" "$mbps" "$ratio" "${rss[$id]}"
}

# cpu_row LABEL SHOWN_COMMAND ID REFERENCE_ID: a row with user CPU time and its ratio to the
# reference's, the fair comparison on a machine shared with other work.
cpu_row() {
  local label="$1" shown="$2" id="$3" ref="$4" ratio="n/a"
  shown=${shown//|/\\|}
  if [[ -z "${wall[$id]:-}" ]]; then
    printf '| %s | `%s` | skipped | | | |\n' "$label" "$shown"
    return
  fi
  if [[ -n "${cpu[$ref]:-}" ]]; then
    ratio=$(awk -v a="${cpu[$id]}" -v b="${cpu[$ref]}" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')
  fi
  printf '| %s | `%s` | %.2f | %.2f | %s | %s |\n' "$label" "$shown" "${wall[$id]}" "${cpu[$id]}" "$ratio" "${rss[$id]}"
}

q_corpus=$(printf '%q' "$corpus")
q_trailsift=$(printf '%q' "$trailsift")
find_sorted="find $q_corpus -name '*.json.gz' | sort"

declare -A matches
if section filter; then
  # The physical floor and the reference do not depend on the question: measure them once.
  bench_case floor "$runs" "$find_sorted | xargs libdeflate-gunzip -c > /dev/null"
  bench_case zcat "$runs" "$find_sorted | xargs zcat > /dev/null"

  for name in "${event_names[@]}"; do
    [[ "$name" =~ ^[A-Za-z0-9]+$ ]] || die "event name '$name' must be alphanumeric"
    jq_select="jq -c '.Records[] | select(.eventName == \"$name\")'"
    if ((have_trailsift)); then
      bench_case "ts-$name" "$runs" "$q_trailsift filter --event-name $name $q_corpus > /dev/null"
      bench_case "ts1-$name" "$runs" "$q_trailsift filter --threads 1 --event-name $name $q_corpus > /dev/null"
    fi
    if [[ -n "$trailsift_zlib" ]]; then
      bench_case "tsz-$name" "$runs" "$(printf '%q' "$trailsift_zlib") filter --event-name $name $q_corpus > /dev/null"
    fi
    bench_case "jq-$name" 1 "$find_sorted | xargs zcat | $jq_select > /dev/null"

    # Ground truth: the generator's summary; jq and trailsift must both agree with it.
    expected=$(jq -r --arg n "$name" '.event_names[$n] // 0' "$summary")
    say "counting $name with jq"
    jq_count=$(bash -o pipefail -c "$find_sorted | xargs zcat | $jq_select | wc -l")
    [[ "$jq_count" == "$expected" ]] || die "$name: jq found $jq_count events, the summary says $expected"
    if ((have_trailsift)); then
      ts_count=$("$trailsift" filter --count --event-name "$name" "$corpus" 2> "$log")
      ts_count=${ts_count//[^0-9]/}
      [[ "$ts_count" == "$jq_count" ]] \
        || die "$name: trailsift filter --count says ${ts_count:-nothing}, jq found $jq_count"
    fi
    matches[$name]=$jq_count
  done
fi

# ---------------------------------------------------------------------------------------------
# stats: the overview and --by username,event-name, against filter --count and jq
# ---------------------------------------------------------------------------------------------
if section stats; then
  # jq's definitions of the console's user name and the like, shared with the real-data tests.
  source "$(dirname "$0")/../tests/realdata/jq_records.sh"
  # The overview in jq: group_by would need every record in memory at once, so it counts with
  # reduce, one object per list, and keeps the top 10 of each, as stats does.
  jq_overview="$jq_defs"'
    def bump($list; $value): .lists[$list][$value] += 1;
    reduce (inputs | .Records[]) as $r ({events: 0, read_only: 0, write: 0, errors: 0, lists: {}, hours: {}};
      .events += 1
      | if ($r | read_only(true)) then .read_only += 1 elif ($r | read_only(false)) then .write += 1 else . end
      | ($r.eventTime // "") as $t
      | if $t == "" then . else .first = ([.first // $t, $t] | min) | .last = ([.last // $t, $t] | max)
                                | .hours[$t[0:13]] += 1 end
      | bump("account"; $r.recipientAccountId // $r.userIdentity.accountId // "")
      | bump("region"; $r.awsRegion // "") | bump("event-name"; $r.eventName // "")
      | bump("event-source"; $r.eventSource // "") | bump("username"; $r | username)
      | bump("principal-arn"; $r.userIdentity.arn // "") | bump("source-ip"; $r.sourceIPAddress // "")
      | bump("user-agent"; $r.userAgent // "")
      | if ($r | has_error) then .errors += 1 | bump("error-code"; $r.errorCode) else . end
      | bump("access-key-id"; $r.userIdentity.accessKeyId // ""))
    | .lists |= map_values(to_entries | sort_by(-.value, .key) | .[:10])'
  # --by username,event-name in jq: group_by over the pairs, largest groups first.
  jq_by="$jq_defs"'[inputs | .Records[] | [username, (.eventName // "")]] | group_by(.)
    | map({key: .[0], count: length}) | sort_by(-.count, .key)[]
    | "\(.count)\t\(.key[0])\t\(.key[1])"'
  if ((have_trailsift)); then
    bench_case count "$runs" "$q_trailsift filter --count $q_corpus > /dev/null"
    bench_case count1 "$runs" "$q_trailsift filter --count --threads 1 $q_corpus > /dev/null"
    bench_case stats "$runs" "$q_trailsift stats $q_corpus > /dev/null"
    bench_case stats1 "$runs" "$q_trailsift stats --threads 1 $q_corpus > /dev/null"
    bench_case statsby "$runs" "$q_trailsift stats --by username,event-name $q_corpus > /dev/null"
    bench_case statsby1 "$runs" "$q_trailsift stats --threads 1 --by username,event-name $q_corpus > /dev/null"
  fi
  bench_case jq-stats 1 "$find_sorted | xargs zcat | jq -n $(printf '%q' "$jq_overview") > $(printf '%q' "$bench_dir/jq-overview.json")"
  bench_case jq-statsby 1 "$find_sorted | xargs zcat | jq -nr $(printf '%q' "$jq_by") > $(printf '%q' "$bench_dir/jq-by.tsv")"

  # Ground truth: the summary's records and event names, and jq's answers to both questions.
  [[ "$(jq .events "$bench_dir/jq-overview.json")" == "$(jq .records "$summary")" ]] \
    || die "jq's overview counted $(jq .events "$bench_dir/jq-overview.json") events, the summary says $(jq .records "$summary")"
  if ((have_trailsift)); then
    say "checking stats against the summary and jq"
    "$trailsift" stats --by event-name -o json "$corpus" 2> "$log" \
      | jq -r '.groups[] | "\(.key.event_name)\t\(.count)"' | LC_ALL=C sort > "$bench_dir/ts-names.tsv"
    jq -r '.event_names | to_entries[] | "\(.key)\t\(.value)"' "$summary" | LC_ALL=C sort \
      | cmp -s - "$bench_dir/ts-names.tsv" || die "stats --by event-name differs from the summary's event_names"
    "$trailsift" stats --by username,event-name -o json "$corpus" 2> "$log" \
      | jq -r '.groups[] | "\(.count)\t\(.key.username)\t\(.key.event_name)"' \
      | cmp -s - "$bench_dir/jq-by.tsv" || die "stats --by username,event-name differs from jq's group_by"
    "$trailsift" stats -o json "$corpus" 2> "$log" \
      | jq -S -c '{events: .totals.events, read_only: .totals.read_only, write: .totals.write,
                  errors: .totals.errors, first: .totals.first_event, last: .totals.last_event,
                  lists: (.top_values | map_values([.values[] | {key: .value, value: .count}]))}' \
      > "$bench_dir/ts-overview.json"
    jq -S -c '{events, read_only, write, errors, first, last, lists}' "$bench_dir/jq-overview.json" \
      | cmp -s - "$bench_dir/ts-overview.json" || die "the stats overview differs from jq's"
  fi
fi

# ---------------------------------------------------------------------------------------------
# diff: the corpus against a copy with known changes, beside filter --count over both
# ---------------------------------------------------------------------------------------------
changed="$bench_dir/changed"
changes="$bench_dir/changes.json"
if section diff; then
  changed_args="$diff_files ${gen_args[*]}"
  if [[ -f "$changes" && -f "$bench_dir/changed-args" && -d "$changed" &&
        "$(cat "$bench_dir/changed-args")" == "$changed_args" ]]; then
    say "reusing the changed copy in $changed"
  else
    say "copying the corpus to $changed with changes in $diff_files files"
    rm -f "$bench_dir/changed-args"
    "$(dirname "$0")/make_changed_copy.sh" "$corpus" "$changed" "$diff_files" > "$changes"
    printf '%s\n' "$changed_args" > "$bench_dir/changed-args"
  fi
  find "$changed" -name '*.json.gz' -print0 | xargs -0 cat > /dev/null
  if ((have_trailsift)); then
    both="$q_corpus $(printf '%q' "$changed")"
    bench_case filter-both "$runs" "$q_trailsift filter --count $both > /dev/null"
    bench_case filter-both1 "$runs" "$q_trailsift filter --count --threads 1 $both > /dev/null"
    # diff exits with 1 when the sides differ, as they do here.
    bench_case diff "$runs" "$q_trailsift diff $both > /dev/null; [[ \$? == 1 ]]"
    bench_case diff1 "$runs" "$q_trailsift diff --threads 1 $both > /dev/null; [[ \$? == 1 ]]"

    # Ground truth: what make_changed_copy.sh changed. diff must find exactly that.
    say "checking what diff finds against $changes"
    found=$("$trailsift" diff -o ndjson "$corpus" "$changed" 2> "$log" |
            jq -s -c '[group_by(.change)[] | {key: .[0].change, value: length}] | from_entries' || true)
    for kind in removed added modified; do
      want=$(jq -r ".$kind" "$changes")
      got=$(jq -r ".$kind // 0" <<< "$found")
      [[ "$got" == "$want" ]] || die "diff found $got $kind events, make_changed_copy.sh made $want"
    done
    [[ "$(jq -r '.duplicate // 0' <<< "$found")" == 0 ]] || die "diff found duplicates: $found"
  fi
fi

# ---------------------------------------------------------------------------------------------
# validate: every log file inflated and hashed, every digest verified. The floors hash the
# same inflated bytes in one stream, parsing nothing and verifying nothing.
# ---------------------------------------------------------------------------------------------
if section validate; then
  bench_case zcat-sha "$runs" "$find_sorted | xargs zcat | sha256sum > /dev/null"
  bench_case floor-sha "$runs" "$find_sorted | xargs libdeflate-gunzip -c | sha256sum > /dev/null"
  if ((have_trailsift && have_signed)); then
    q_signed=$(printf '%q' "$signed")
    validate_args="--public-keys $(printf '%q' "$bench_dir/public-keys.json") --signatures $(printf '%q' "$bench_dir/signatures.json") $q_signed"
    bench_case validate "$runs" "$q_trailsift validate $validate_args > /dev/null"
    bench_case validate1 "$runs" "$q_trailsift validate --threads 1 $validate_args > /dev/null"
    # Ground truth: every digest valid, every log file of the summary valid, exit 0.
    expected_logs=$(jq -r .files "$summary")
    validate_summary=$(bash -c "$q_trailsift validate $validate_args" 2> "$log" | tail -3 | tr '\n' ' ') \
      || die "validate failed on the signed mirror (see $log)"
    [[ "$validate_summary" =~ ([0-9]+)/([0-9]+)\ digest\ files\ valid\ ([0-9]+)/([0-9]+)\ log\ files\ valid\ $ ]] \
      || die "validate's summary is not all valid: $validate_summary"
    [[ "${BASH_REMATCH[1]}" == "${BASH_REMATCH[2]}" && "${BASH_REMATCH[3]}" == "$expected_logs" &&
       "${BASH_REMATCH[4]}" == "$expected_logs" ]] \
      || die "validate counted $validate_summary; the summary has $expected_logs log files"
    digest_count=${BASH_REMATCH[2]}
  fi
fi

# ---------------------------------------------------------------------------------------------
# hunt: Sigma rules over the corpus, against filter --count and a Python baseline
# ---------------------------------------------------------------------------------------------
have_hunt=0
if section hunt; then
  if [[ ! -d "$sigma" ]]; then
    say "no Sigma rules at $sigma (BENCH_SIGMA): the hunt rows will be skipped"
  elif ! python3 -c 'import yaml' 2> /dev/null; then
    say "python3 with PyYAML (python3-yaml) is missing: the hunt rows will be skipped"
  else
    have_hunt=1
    q_sigma=$(printf '%q' "$sigma")
    baseline="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/hunt_baseline.py"
    # hunt_cmd OPTION...: hunt over the corpus; exit 1 (nothing detected) is an answer too.
    hunt_cmd() {
      printf '%s hunt -q --rules %s %s %s > /dev/null; [[ $? -le 1 ]]' \
        "$q_trailsift" "$q_sigma" "$*" "$q_corpus"
    }
    if ((have_trailsift)); then
      bench_case hunt-count1 "$runs" "$q_trailsift filter --count --threads 1 $q_corpus > /dev/null"
      bench_case hunt-count "$runs" "$q_trailsift filter --count $q_corpus > /dev/null"
      bench_case hunt1 "$runs" "$(hunt_cmd --threads 1)"
      bench_case hunt "$runs" "$(hunt_cmd)"
      bench_case hunt-tsv1 "$runs" "$(hunt_cmd --threads 1 -o tsv)"
      bench_case hunt-ndjson "$runs" "$(hunt_cmd -o ndjson)"
    fi
    bench_case hunt-python 1 "python3 $(printf '%q' "$baseline") $q_sigma $q_corpus > $(printf '%q' "$bench_dir/hunt-python.tsv")"

    # Ground truth: the Python baseline's detections per rule; hunt must find the same.
    if ((have_trailsift)); then
      say "checking hunt's detections per rule against the Python baseline"
      { "$trailsift" hunt -q -o tsv --rules "$sigma" "$corpus" 2> "$log" || [[ $? -le 1 ]]; } |
        tail -n +2 | cut -f3 | LC_ALL=C sort | uniq -c |
        awk '{n = $1; $1 = ""; print n "\t" substr($0, 2)}' > "$bench_dir/hunt-counts.tsv"
      awk -F'\t' '$1 > 0' "$bench_dir/hunt-python.tsv" | LC_ALL=C sort -t$'\t' -k2 |
        cmp -s - <(LC_ALL=C sort -t$'\t' -k2 "$bench_dir/hunt-counts.tsv") ||
        die "hunt's detections per rule ($bench_dir/hunt-counts.tsv) differ from the Python baseline's"
      hunt_detections=$(awk -F'\t' '{s += $1} END {print s + 0}' "$bench_dir/hunt-counts.tsv")
    fi
    hunt_rules=$(find "$sigma" -name '*.yml' | wc -l)
  fi
fi

# ---------------------------------------------------------------------------------------------
# insights: its cost on the corpus beside filter --count, then what it finds in two multi-day
# corpora of the same traffic, one with injected bursts and one without.
# ---------------------------------------------------------------------------------------------
insights_quiet="$bench_dir/insights-quiet"
insights_bursts="$bench_dir/insights-bursts"
insights_summary="$bench_dir/insights-bursts.json"
insights_corpus_args=(--hours "$insights_hours" --rate-percent 0.5 --seed "$seed")
# Bursts in the second week, with a full baseline, and one in the first days; busy APIs at a
# factor of their rate, rare ones at a rate per minute; error storms; reads (found with --read
# only); a data event (never analysed).
insights_bursts_args=(
  --burst event=CreateLogStream,start=2024-03-12T14:00:00Z,minutes=30,factor=10
  --burst event=RunInstances,start=2024-03-13T03:10:00Z,minutes=20,per-minute=1,account=2,region=us-west-2
  --burst event=AttachRolePolicy,start=2024-03-13T16:00:00Z,minutes=10,per-minute=2,account=3,error=AccessDenied
  --burst event=PutEvaluations,start=2024-03-11T09:00:00Z,minutes=20,per-minute=1.5,region=eu-west-1,error=AccessDeniedException
  --burst event=StopInstances,start=2024-03-03T11:00:00Z,minutes=30,per-minute=0.8,account=4,region=ap-southeast-2
  --burst event=CreateAccessKey,start=2024-03-09T02:00:00Z,minutes=15,per-minute=1,account=2
  --burst event=UpdateInstanceInformation,start=2024-03-11T22:00:00Z,minutes=60,factor=10,account=3
  --burst event=DescribeInstances,start=2024-03-09T20:00:00Z,minutes=20,factor=10
  --burst event=GetSecretValue,start=2024-03-14T10:00:00Z,minutes=15,per-minute=2,account=2,region=eu-central-1,error=ThrottlingException
  --burst event=PutObject,start=2024-03-10T20:00:00Z,minutes=20,per-minute=5
)
declare -A insights_found insights_unexplained insights_quiet_found insights_worst_offset insights_analysed
if section insights && ((have_trailsift)); then
  bench_case icount "$runs" "$q_trailsift filter --count $q_corpus > /dev/null"
  bench_case icount1 "$runs" "$q_trailsift filter --count --threads 1 $q_corpus > /dev/null"
  # insights exits with 1 when it finds nothing, as on this short corpus.
  for id in insights insights1 insightsr insightsr1; do
    flags=""
    [[ $id == *1 ]] && flags+=" --threads 1"
    [[ $id == insightsr* ]] && flags+=" --read"
    bench_case "$id" "$runs" "$q_trailsift insights -q$flags $q_corpus > /dev/null; [[ \$? -le 1 ]]"
  done

  wanted="${insights_corpus_args[*]} ${insights_bursts_args[*]}"
  if [[ -f "$bench_dir/insights-args" && "$(cat "$bench_dir/insights-args")" == "$wanted" &&
        -d "$insights_quiet" && -d "$insights_bursts" && -f "$insights_summary" ]]; then
    say "reusing the insights corpora in $insights_quiet and $insights_bursts"
  else
    say "generating ${insights_hours} hours with and without bursts for insights"
    rm -rf "$insights_quiet" "$insights_bursts" "$bench_dir/insights-args"
    "$generator" --out "$insights_quiet" "${insights_corpus_args[@]}" 2> /dev/null
    "$generator" --out "$insights_bursts" "${insights_corpus_args[@]}" "${insights_bursts_args[@]}" \
      --summary "$insights_summary" 2> /dev/null
    printf '%s\n' "$wanted" > "$bench_dir/insights-args"
  fi
  find "$insights_bursts" -name '*.json.gz' -print0 | xargs -0 cat > /dev/null
  q_bursts=$(printf '%q' "$insights_bursts")
  bench_case icount-days "$runs" "$q_trailsift filter --count $q_bursts > /dev/null"
  bench_case insights-days "$runs" "$q_trailsift insights -q $q_bursts > /dev/null"

  tests_insights="$(dirname "$0")/../tests/insights"
  for sensitivity in low medium high; do
    for analysis in writes reads; do
      flags="--sensitivity $sensitivity"
      [[ $analysis == reads ]] && flags+=" --read"
      key="$sensitivity-$analysis"
      say "insights $flags on both corpora"
      # shellcheck disable=SC2086
      "$trailsift" insights -q $flags "$insights_quiet" 2> "$log" > "$bench_dir/quiet.ndjson" \
        || [[ $? == 1 ]] || die "insights $flags failed (see $log)"
      insights_quiet_found[$key]=$(grep -c '"state":"Start"' "$bench_dir/quiet.ndjson" || true)
      # shellcheck disable=SC2086
      "$trailsift" insights -q $flags "$insights_bursts" 2> "$log" > "$bench_dir/bursts.ndjson" \
        || [[ $? == 1 ]] || die "insights $flags failed (see $log)"
      jq -c --slurpfile s "$insights_summary" -f "$tests_insights/match_bursts.jq" \
        "$bench_dir/bursts.ndjson" > "$bench_dir/matched.ndjson"
      insights_unexplained[$key]=$(jq -c 'select(.burst == null)' "$bench_dir/matched.ndjson" | wc -l)
      found=0 analysed=0 worst=0
      for ((b = 0; b < $(jq '.bursts | length' "$insights_summary"); b++)); do
        burst=$(jq -c ".bursts[$b]" "$insights_summary")
        [[ $(jq -r .management <<< "$burst") == true ]] || continue
        [[ $analysis == reads || $(jq -r .read_only <<< "$burst") == false ]] || continue
        analysed=$((analysed + 1))
        hit=$(jq -c --argjson b "$b" --argjson burst "$burst" -f "$tests_insights/burst_result.jq" \
                "$bench_dir/matched.ndjson" | head -1)
        [[ -n $hit ]] || continue
        found=$((found + 1))
        offset=$(jq '.start_off | fabs' <<< "$hit")
        ((offset > worst)) && worst=$offset
      done
      insights_found[$key]=$found insights_analysed[$key]=$analysed insights_worst_offset[$key]=$worst
      # Ground truth: at the default sensitivity every burst Insights analyses must be found.
      if [[ $sensitivity == medium && $found != "$analysed" ]]; then
        die "insights $flags found $found of the $analysed bursts it analyses"
      fi
    done
  done
fi

# validate-state: a month of generated days validated in full, saving --state, then one more
# day with --state; beside it, the new day alone (--start-time) and the whole mirror in full.
# The incremental run must report exactly what the full run reports. Each day holds the same
# generated log files again (hard links, bench/make_state_mirror.sh), so every day costs the
# same and the mirror costs the disk of one day.
# ---------------------------------------------------------------------------------------------
state_days="${BENCH_STATE_DAYS:-30}"
state_gen_args=(--hours "${BENCH_STATE_HOURS:-24}" --accounts 1 --regions 1 --seed "$seed"
                --start 2024-03-01T00:00:00Z)
if section validate-state && ((have_trailsift)); then
  [[ -x "$signer" ]] || die "validate-state needs trailsift-sign-mirror (BENCH_SIGNER, $signer)"
  state_dir="$bench_dir/state"
  state_key="${state_gen_args[*]} --days $state_days"
  new_day=$(date -u -d "2024-03-01 + $state_days days" +%Y-%m-%d)
  if [[ -f "$state_dir/args" && "$(cat "$state_dir/args")" == "$state_key" ]]; then
    say "reusing the validate-state mirrors in $state_dir"
  else
    say "building the validate-state mirrors in $state_dir"
    rm -rf "$state_dir"
    mkdir -p "$state_dir"
    "$generator" --out "$state_dir/day" "${state_gen_args[@]}" --summary "$state_dir/day.json"
    bash "$(dirname "$0")/make_state_mirror.sh" "$state_dir/day" "$state_dir/all" $((state_days + 1))
    "$signer" --key "$signing_key" --bucket state-bucket --public-keys "$state_dir/keys-listed.json" \
      --signatures "$state_dir/signatures-all.json" "$state_dir/all"
    # The signer lists the TEST-ONLY key as valid for 30 days; the mirror spans more.
    jq '.PublicKeyList[].ValidityEndTime += 90 * 86400' "$state_dir/keys-listed.json" > "$state_dir/keys.json"
    # The month: the same mirror without its last day, as the night before saw it (the digest
    # of the last hour of that day is delivered the day after).
    cp -al "$state_dir/all" "$state_dir/month"
    day_after=$(date -u -d "$new_day + 1 day" +%Y/%m/%d)
    find "$state_dir/month" -depth -type d \( -path "*/${new_day//-//}" -o -path "*/$day_after" \) \
      -exec rm -rf {} +
    jq --arg day "/${new_day//-//}/" --arg after "/$day_after/" \
      'with_entries(select(.key | (contains($day) or contains($after)) | not))' \
      "$state_dir/signatures-all.json" > "$state_dir/signatures-month.json"
    printf '%s\n' "$state_key" > "$state_dir/args"
  fi
  find "$state_dir/day" -name '*.json.gz' -print0 | xargs -0 cat > /dev/null
  q_state=$(printf '%q' "$state_dir")
  keys_arg="--public-keys $q_state/keys.json"
  all_args="$keys_arg --signatures $q_state/signatures-all.json $q_state/all"
  bench_case state-month "$runs" "rm -f $q_state/month.state && $q_trailsift validate --state $q_state/month.state $keys_arg --signatures $q_state/signatures-month.json $q_state/month > /dev/null"
  bench_case state-full "$runs" "$q_trailsift validate $all_args > /dev/null"
  bench_case state-day "$runs" "$q_trailsift validate --start-time $new_day $all_args > /dev/null"
  bench_case state-incremental "$runs" "cp $q_state/month.state $q_state/night.state && $q_trailsift validate --state $q_state/night.state $all_args > /dev/null"
  # Ground truth: the incremental run reports what the full run reports, file by file.
  bash -c "$q_trailsift validate -o json $all_args" > "$state_dir/full.json" 2> "$log" \
    || die "validate failed on the validate-state mirror (see $log)"
  cp "$state_dir/month.state" "$state_dir/night.state"
  bash -c "$q_trailsift validate -o json --state $q_state/night.state $all_args" \
    > "$state_dir/incremental.json" 2> "$log" || die "validate --state failed on the validate-state mirror (see $log)"
  same='{found, totals, errors, findings}'
  [[ "$(jq -S "$same" "$state_dir/full.json")" == "$(jq -S "$same" "$state_dir/incremental.json")" ]] \
    || die "validate --state reported something else than the full run: compare $state_dir/full.json and $state_dir/incremental.json"
  [[ "$(jq '.totals.log_files.invalid + .totals.digest_files.invalid' "$state_dir/full.json")" == 0 ]] \
    || die "the validate-state mirror is not valid: see $state_dir/full.json"
  state_use=$(jq -c .state "$state_dir/incremental.json")
  state_bytes=$(stat -c %s "$state_dir/month.state")
fi

# ---------------------------------------------------------------------------------------------
# sort: filter --sort time over the whole corpus, in memory and spilled, beside GNU sort of the
# records keyed by jq-extracted times; trailsift's order is checked against sort(1)'s.
# ---------------------------------------------------------------------------------------------
if section sort && ((have_trailsift)); then
  sort_temp="$bench_dir/sort-temp"
  mkdir -p "$sort_temp"
  q_sort_temp=$(printf '%q' "$sort_temp")
  # Each record keyed by its time, sorted stably on the key alone, the key cut off: the same work.
  printf '%s\n' '.Records[] | .eventTime + "\t" + tojson' > "$bench_dir/keyed.jq"
  keyed="$find_sorted | xargs zcat | jq -r -f $(printf '%q' "$bench_dir/keyed.jq")"
  times="$find_sorted | xargs zcat | jq -r '.Records[].eventTime'"
  gnu_sort="LC_ALL=C sort -S 1G -T $q_sort_temp"
  bench_case sort-count "$runs" "$q_trailsift filter --count $q_corpus > /dev/null"
  bench_case sort-memory "$runs" "$q_trailsift filter --sort time --sort-memory 8G $q_corpus > /dev/null"
  bench_case sort-spill "$runs" "$q_trailsift filter --sort time --temp-dir $q_sort_temp $q_corpus > /dev/null"
  bench_case sort-spill-small "$runs" "$q_trailsift filter --sort time --sort-memory 64M --temp-dir $q_sort_temp $q_corpus > /dev/null"
  bench_case sort-jq 1 "$keyed | $gnu_sort -s -t \$'\\t' -k1,1 | cut -f2- > /dev/null"
  bench_case sort-jq-times 1 "$times | $gnu_sort > /dev/null"
  say "checking trailsift's order against sort(1)'s"
  sort_expected=$(bash -o pipefail -c "$times | $gnu_sort | md5sum")
  for memory in 8G 64M; do
    sort_actual=$("$trailsift" filter -q --sort time --sort-memory "$memory" --temp-dir "$sort_temp" \
        -o tsv --fields event-time "$corpus" | tail -n +2 | md5sum)
    [[ "$sort_actual" == "$sort_expected" ]] \
      || die "filter --sort time --sort-memory $memory: the eventTime order differs from sort(1)'s"
  done
  [[ -z "$(ls -A "$sort_temp")" ]] || die "filter --sort time left files in $sort_temp"
fi

# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
trailsift_version="not built"
((have_trailsift)) && trailsift_version=$("$trailsift" --version 2>&1 | head -1)

((main_corpus)) && cat << EOF
## Benchmark: one question over a ${json_mb} MB CloudTrail mirror

Machine: $(nproc) cores, ${cpu:-unknown CPU}, $(awk '/MemTotal/ {printf "%.0f GiB RAM", $2 / 1048576}' /proc/meminfo), Linux $(uname -r).
Versions: trailsift ${trailsift_version}; $(jq --version); $(zcat --version | head -1); libdeflate-gunzip $(libdeflate-gunzip -V 2>&1 | head -1 | awk '{print $NF}').

Corpus: \`trailsift-generate-mirror ${gen_args[*]}\`: $(jq -r .files "$summary") files, $(jq -r .records "$summary") records,
${json_mb} MB of JSON ($(jq -r '.compressed_bytes / 1e6 | floor' "$summary") MB gzipped, $(jq -r '.uncompressed_bytes / .files / 1e6 * 100 | round / 100' "$summary") MB per file on average),
$(jq -r '.accounts | length' "$summary") accounts x $(jq -r '.regions | length' "$summary") regions, $(jq -r .start "$summary") to $(jq -r .end "$summary").
Warm page cache. Wall time is the best of ${runs} run(s) (jq: 1 run); MB/s is uncompressed JSON per second;
"x trailsift" is wall time divided by trailsift's with all cores; peak RSS is the largest single process.
EOF

for name in "${event_names[@]}"; do
  section filter || break
  cat << EOF

### \`eventName == "$name"\` (${matches[$name]} matching events)

| tool | command | wall (s) | MB/s | x trailsift | peak RSS (MB) |
|---|---|---:|---:|---:|---:|
EOF
  row "trailsift filter, all cores" "trailsift filter --event-name $name DIR > /dev/null" "ts-$name" "ts-$name"
  row "trailsift filter, 1 thread" "trailsift filter --threads 1 --event-name $name DIR > /dev/null" "ts1-$name" "ts-$name"
  row "trailsift filter, zlib build, all cores" "trailsift filter --event-name $name DIR > /dev/null" "tsz-$name" "ts-$name"
  row "zcat + jq (today's baseline)" "find DIR -name '*.json.gz' | sort | xargs zcat | jq -c '.Records[] | select(.eventName == \"$name\")' > /dev/null" "jq-$name" "ts-$name"
  row "libdeflate-gunzip (floor, 1 core)" "find DIR -name '*.json.gz' | sort | xargs libdeflate-gunzip -c > /dev/null" floor "ts-$name"
  row "zcat (reference)" "find DIR -name '*.json.gz' | sort | xargs zcat > /dev/null" zcat "ts-$name"
done

if section sort && ((have_trailsift)); then
  cat << EOF

### \`trailsift filter --sort time\`: a timeline of every event

Every record of the corpus in eventTime order, ties in input order. The reference keys each
record with its jq-extracted time and sorts the lines stably on the key with GNU sort (\`-S 1G\`,
temporary files in the same folder). trailsift's order was checked against \`sort(1)\`'s, in
memory and spilled. "x trailsift" divides by the in-memory sort. Peak RSS shows the budget at
work: \`--sort-memory 8G\` holds every record; the default (256M) and 64M spill sorted runs and
merge them.

| tool | command | wall (s) | MB/s | x trailsift | peak RSS (MB) |
|---|---|---:|---:|---:|---:|
EOF
  row "trailsift filter --count (reading only)" "trailsift filter --count DIR" sort-count sort-memory
  row "trailsift --sort time, in memory" "trailsift filter --sort time --sort-memory 8G DIR > /dev/null" sort-memory sort-memory
  row "trailsift --sort time, default 256M" "trailsift filter --sort time DIR > /dev/null" sort-spill sort-memory
  row "trailsift --sort time, 64M" "trailsift filter --sort time --sort-memory 64M DIR > /dev/null" sort-spill-small sort-memory
  row "zcat + jq + sort -s -k1,1 (records)" "find DIR -name '*.json.gz' | sort | xargs zcat | jq -r '.Records[] | .eventTime + \"\\t\" + tojson' | LC_ALL=C sort -S 1G -s -t \$'\\t' -k1,1 | cut -f2- > /dev/null" sort-jq sort-memory
  row "zcat + jq + sort (times only)" "find DIR -name '*.json.gz' | sort | xargs zcat | jq -r '.Records[].eventTime' | LC_ALL=C sort -S 1G > /dev/null" sort-jq-times sort-memory
fi

if section stats; then
  cat << EOF

### \`trailsift stats\`: the overview and \`--by username,event-name\`

Judged by user CPU time (every process of a row; jq rows include zcat), since the machine may
be busy with other work: the target is stats within 1.5 times \`filter --count\` on the same
files. "CPU x count" divides by \`filter --count\` with the same number of threads (jq rows: by
\`filter --count --threads 1\`). The answers were checked: stats against the summary's event
names and against jq's answers to both questions. DuckDB is not measured: it is not in Debian
12's archive.

| tool | command | wall (s) | user CPU (s) | CPU x count | peak RSS (MB) |
|---|---|---:|---:|---:|---:|
EOF
  cpu_row "trailsift filter --count, 1 thread" "trailsift filter --count --threads 1 DIR" count1 count1
  cpu_row "trailsift stats (overview), 1 thread" "trailsift stats --threads 1 DIR > /dev/null" stats1 count1
  cpu_row "trailsift stats --by, 1 thread" "trailsift stats --threads 1 --by username,event-name DIR > /dev/null" statsby1 count1
  cpu_row "trailsift filter --count, all cores" "trailsift filter --count DIR" count count
  cpu_row "trailsift stats (overview), all cores" "trailsift stats DIR > /dev/null" stats count
  cpu_row "trailsift stats --by, all cores" "trailsift stats --by username,event-name DIR > /dev/null" statsby count
  cpu_row "zcat + jq, overview (reduce)" "find DIR -name '*.json.gz' | sort | xargs zcat | jq -n 'reduce (inputs | .Records[]) as \$r (...)'" jq-stats count1
  cpu_row "zcat + jq, --by (group_by)" "find DIR -name '*.json.gz' | sort | xargs zcat | jq -nr '[inputs | .Records[] | [username, .eventName]] | group_by(.) | ...'" jq-statsby count1
  printf '| DuckDB | not in Debian 12'"'"'s archive | not measured | | | |\n'
fi

if section diff; then
  cat << EOF

### \`trailsift diff\`: the corpus against a copy with $(jq -r '.removed + .added + .modified' "$changes") known changes

The copy (\`bench/make_changed_copy.sh CORPUS COPY $diff_files\`) hard-links every file but $diff_files, which jq
rewrote with sorted keys and, in each, one record removed, one modified and one added:
$(jq -r .removed "$changes") removed, $(jq -r .added "$changes") added, $(jq -r .modified "$changes") modified, which \`trailsift diff -o ndjson\` finds exactly. The target
is diff within 3 times \`filter --count\` over both sides; judged by user CPU time, "CPU x count"
divides by \`filter --count\` over both sides with the same number of threads.

| tool | command | wall (s) | user CPU (s) | CPU x count | peak RSS (MB) |
|---|---|---:|---:|---:|---:|
EOF
  cpu_row "trailsift filter --count, both sides, 1 thread" "trailsift filter --count --threads 1 DIR COPY" filter-both1 filter-both1
  cpu_row "trailsift diff, 1 thread" "trailsift diff --threads 1 DIR COPY > /dev/null" diff1 filter-both1
  cpu_row "trailsift filter --count, both sides, all cores" "trailsift filter --count DIR COPY" filter-both filter-both
  cpu_row "trailsift diff, all cores" "trailsift diff DIR COPY > /dev/null" diff filter-both
fi

if section validate; then
  cat << EOF

### validate: every log file inflated and hashed, ${digest_count:-no} digest files verified

| tool | command | wall (s) | MB/s | x trailsift | peak RSS (MB) |
|---|---|---:|---:|---:|---:|
EOF
  row "trailsift validate, all cores" "trailsift validate --public-keys K --signatures S DIR > /dev/null" validate validate
  row "trailsift validate, 1 thread" "trailsift validate --threads 1 --public-keys K --signatures S DIR > /dev/null" validate1 validate
  row "zcat + sha256sum" "find DIR -name '*.json.gz' | sort | xargs zcat | sha256sum" zcat-sha validate
  row "libdeflate-gunzip + sha256sum (floor)" "find DIR -name '*.json.gz' | sort | xargs libdeflate-gunzip -c | sha256sum" floor-sha validate
fi

if section hunt && ((have_hunt)); then
  cat << EOF

### \`trailsift hunt\`: ${hunt_rules} SigmaHQ CloudTrail rules (${hunt_detections:-?} detections)

The rules in \`$(basename "$sigma")\` (one of them, with the \`near\` operator, cannot run and is
reported). The target is hunt within 1.5 times \`filter --count\` on the same files, judged by
user CPU time as for stats: "CPU x count" divides by \`filter --count\` with the same number of
threads (the Python row: by \`filter --count --threads 1\`). Detections per rule agree with the
Python baseline (\`bench/hunt_baseline.py\`, PyYAML and json, one process). The table is the
default output; NDJSON holds every detected record until the timeline is sorted.

| tool | command | wall (s) | user CPU (s) | CPU x count | peak RSS (MB) |
|---|---|---:|---:|---:|---:|
EOF
  cpu_row "trailsift filter --count, 1 thread" "trailsift filter --count --threads 1 DIR" hunt-count1 hunt-count1
  cpu_row "trailsift hunt, 1 thread" "trailsift hunt -q --threads 1 --rules RULES DIR > /dev/null" hunt1 hunt-count1
  cpu_row "trailsift hunt -o tsv, 1 thread" "trailsift hunt -q --threads 1 -o tsv --rules RULES DIR > /dev/null" hunt-tsv1 hunt-count1
  cpu_row "trailsift filter --count, all cores" "trailsift filter --count DIR" hunt-count hunt-count
  cpu_row "trailsift hunt, all cores" "trailsift hunt -q --rules RULES DIR > /dev/null" hunt hunt-count
  cpu_row "trailsift hunt -o ndjson, all cores" "trailsift hunt -q -o ndjson --rules RULES DIR > /dev/null" hunt-ndjson hunt-count
  cpu_row "Python baseline" "python3 bench/hunt_baseline.py RULES DIR" hunt-python hunt-count1
fi

if section insights && ((have_trailsift)); then
  cat << EOF

### \`trailsift insights\`: cost, and what it finds

Cost on the corpus above (${json_mb} MB, which spans too little time to score: insights finds
nothing there, having read and counted everything), and on the multi-day corpus with bursts
below. Judged by user CPU time as for stats: the target is insights within 1.5 times
\`filter --count\` on the same files. "CPU x count" divides by \`filter --count\` over the same
files with the same number of threads.

| tool | command | wall (s) | user CPU (s) | CPU x count | peak RSS (MB) |
|---|---|---:|---:|---:|---:|
EOF
  cpu_row "trailsift filter --count, 1 thread" "trailsift filter --count --threads 1 DIR" icount1 icount1
  cpu_row "trailsift insights, 1 thread" "trailsift insights --threads 1 DIR > /dev/null" insights1 icount1
  cpu_row "trailsift insights --read, 1 thread" "trailsift insights --read --threads 1 DIR > /dev/null" insightsr1 icount1
  cpu_row "trailsift filter --count, all cores" "trailsift filter --count DIR" icount icount
  cpu_row "trailsift insights, all cores" "trailsift insights DIR > /dev/null" insights icount
  cpu_row "trailsift insights --read, all cores" "trailsift insights --read DIR > /dev/null" insightsr icount
  cpu_row "trailsift filter --count, ${insights_hours} h with bursts" "trailsift filter --count DAYS" icount-days icount-days
  cpu_row "trailsift insights, ${insights_hours} h with bursts" "trailsift insights DAYS > /dev/null" insights-days icount-days
  cat << EOF

What it finds: \`trailsift-generate-mirror ${insights_corpus_args[*]}\`
($(jq -r .records "$insights_summary") records, $(jq -r '.accounts | length' "$insights_summary") accounts x $(jq -r '.regions | length' "$insights_summary") regions) with $(jq '.bursts | length' "$insights_summary") injected bursts
(listed in \`bench/run.sh\`: rate bursts and error storms, busy and rare APIs, writes, reads and
one of data events), and the same without bursts. A burst is found when an insight of its
account, region, API and type (an error-rate one of its code for an error storm) overlaps it;
"start off" is the largest distance, in minutes, between a found burst's start and its
insight's. Insights matching no burst, and every insight of the corpus without bursts, are
false positives.

| sensitivity | analysed | bursts found | start off (min) | false positives, with bursts | false positives, without |
|---|---|---:|---:|---:|---:|
EOF
  for sensitivity in low medium high; do
    for analysis in writes reads; do
      key="$sensitivity-$analysis"
      label=$analysis
      [[ $analysis == reads ]] && label="writes and reads (--read)"
      printf '| %s | %s | %s of %s | %s | %s | %s |\n' "$sensitivity" "$label" "${insights_found[$key]}" \
        "${insights_analysed[$key]}" "${insights_worst_offset[$key]}" "${insights_unexplained[$key]}" \
        "${insights_quiet_found[$key]}"
    done
  done
fi

if section validate-state && [[ -n "${wall[state-incremental]:-}" ]]; then
  day_files=$(jq -r .files "$state_dir/day.json")
  day_mb=$(jq -r '.uncompressed_bytes / 1e6 | round' "$state_dir/day.json")
  cat << EOF

### validate --state: ${state_days} days in full, then one more day incrementally

Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); trailsift ${trailsift_version}.
Mirror: \`trailsift-generate-mirror ${state_gen_args[*]}\` (${day_files} log files, ${day_mb} MB of JSON), hard-linked
as each of $((state_days + 1)) days (\`bench/make_state_mirror.sh\`), signed by \`trailsift-sign-mirror\`: 24 digests a day.
The state the month saved is $(awk -v b="$state_bytes" 'BEGIN {printf "%.1f", b / 1e6}') MB. The incremental run's \`-o json\` state: \`${state_use}\`; its
findings, totals and errors are the full run's (checked). Warm page cache, best of ${runs} run(s). "x new day"
divides by the new day validated alone (\`--start-time ${new_day}\`, the whole mirror listed): the target is 1.2.

| run | command | wall (s) | x new day | user CPU (s) | CPU x new day | peak RSS (MB) |
|---|---|---:|---:|---:|---:|---:|
EOF
  for entry in "state-month|${state_days} days in full, saving the state|trailsift validate --state S --public-keys K --signatures S30 MONTH" \
               "state-full|$((state_days + 1)) days in full|trailsift validate --public-keys K --signatures S31 MIRROR" \
               "state-day|the new day alone|trailsift validate --start-time ${new_day} --public-keys K --signatures S31 MIRROR" \
               "state-incremental|the new day, incrementally|trailsift validate --state S --public-keys K --signatures S31 MIRROR"; do
    IFS='|' read -r id label shown <<< "$entry"
    awk -v l="$label" -v c="$shown" -v w="${wall[$id]}" -v wd="${wall[state-day]}" -v u="${cpu[$id]}" \
        -v ud="${cpu[state-day]}" -v r="${rss[$id]}" \
        'BEGIN {printf "| %s | `%s` | %.2f | %.2f | %.2f | %.2f | %s |\n", l, c, w, w / wd, u, (ud > 0 ? u / ud : 0), r}'
  done
fi

agreed="the summary and jq"
((have_trailsift)) && agreed="the summary, jq and trailsift"
say "done; match counts agree between $agreed"
