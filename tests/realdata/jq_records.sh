# Sourced by the real-data checks (counts_match_jq.sh, stats_match_jq.sh, diff_known_changes.sh).
# begin_check sets them up; write_records reads every record of
# the corpus with jq alone, never with trailsift, following the rules written in the issues:
#   - a directory walk reads .json, .jsonl, .ndjson and their .gz forms, and skips
#     CloudTrail-Digest/ folders and *_CloudTrail-Digest_* files;
#   - a record is a JSON object with userIdentity or at least one of the top-level record fields
#     (eventVersion, eventTime, eventSource, eventName, awsRegion, sourceIPAddress, ...): the bare
#     userIdentity example in awsdocs_examples.json is one, a digest or a key list is not;
#   - user name: "root" for Root; the last "/" part of the ARN for AssumedRole and FederatedUser
#     (else what follows ":" in principalId); otherwise userIdentity.userName; for lookup-events
#     input the Event's own Username;
#   - readOnly may be a boolean or the string "true"/"false";
#   - the time range is inclusive at both ends, and a bare end date means the whole day.

# begin_check "$0" "$@": checks the arguments TRAILSIFT REALDATA_DIR, skips (exit 77) when the
# corpus or jq is missing, and sets `trailsift`, `realdata` and `work`, a scratch folder removed
# on exit.
begin_check() {
  local script=$1
  shift
  if [[ $# -ne 2 ]]; then
    echo "usage: $script TRAILSIFT REALDATA_DIR" >&2
    exit 2
  fi
  trailsift=$1
  realdata=$2
  if [[ ! -d $realdata ]]; then
    echo "skipped: no real-data corpus at $realdata"
    exit 77
  fi
  if ! command -v jq >/dev/null 2>&1; then
    echo "skipped: jq is not installed (apt-get install jq)"
    exit 77
  fi
  if [[ ! -x $trailsift ]]; then
    echo "error: $trailsift is not an executable" >&2
    exit 2
  fi
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
}

# write_records REALDATA_DIR OUT: every record, one compact JSON object per line, in the order
# trailsift reads them. A lookup Event becomes its inner record, with the Event's Username kept
# beside it as __lookup_username.
write_records() {
  local realdata=$1 out=$2
  find "$realdata" -type f \
      \( -name '*.json' -o -name '*.jsonl' -o -name '*.ndjson' \
         -o -name '*.json.gz' -o -name '*.jsonl.gz' -o -name '*.ndjson.gz' \) \
      ! -path '*/CloudTrail-Digest/*' ! -name '*_CloudTrail-Digest_*' -print0 |
    LC_ALL=C sort -z |
    while IFS= read -r -d '' file; do
      if [[ $(head -c 2 -- "$file" | od -An -tx1 | tr -d ' \n') == 1f8b ]]; then
        zcat -- "$file"
      else
        cat -- "$file"
      fi | jq -c '
        (if type == "array" then .[]
         elif type == "object" and (.Records | type) == "array" then .Records[]
         elif type == "object" and (.Events | type) == "array" then .Events[]
         else . end)
        | select(type == "object")
        | if has("CloudTrailEvent") then
            (.Username) as $username
            | .CloudTrailEvent | fromjson | . + {__lookup: true, __lookup_username: $username}
          else . end
        | select(has("userIdentity") or any(keys[];
            IN("eventVersion", "eventTime", "eventSource", "eventName", "awsRegion",
               "sourceIPAddress", "userAgent", "errorCode", "errorMessage", "requestID", "eventID",
               "eventType", "readOnly", "managementEvent", "recipientAccountId", "eventCategory")))'
    done >"$out"
}

# jq definitions shared by the questions.
jq_defs='
def username:
  if .__lookup then (.__lookup_username // "")
  else (.userIdentity // {}) as $id
    | if $id.type == "Root" then "root"
      elif $id.type == "AssumedRole" or $id.type == "FederatedUser" then
        if (($id.arn // "") | contains("/")) then ($id.arn | split("/") | last)
        elif (($id.principalId // "") | contains(":")) then ($id.principalId | sub("^[^:]*:"; ""))
        else "" end
      else ($id.userName // "") end
  end;
def read_only($value): .readOnly == $value or .readOnly == ($value | tostring);
def seconds: if (.eventTime | type) == "string" then (.eventTime | fromdateiso8601) else null end;
def in_range($first; $last): seconds as $t | $t != null and $t >= $first and $t <= $last;
# What failed, as docs/man/trailsift.1.md defines it: the errorCode, or for a failed sign-in (no
# errorCode; an errorMessage, or a "Failure" in responseElements) its errorMessage, else "Failure".
def failure:
  if (.errorCode // "") != "" then .errorCode
  elif .eventType == "AwsConsoleSignIn" and
       ((.errorMessage // "") != "" or
        ((.responseElements | if type == "object" then [.[]] else [] end) | any(. == "Failure")))
  then (if (.errorMessage // "") != "" then .errorMessage else "Failure" end)
  else "" end;
def has_error: failure != "";
def ipv4_parts:
  if type == "string" and test("^(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}$")
  then (split(".") | map(tonumber) | if all(. <= 255) then . else null end) else null end;
'
