#!/usr/bin/env bash
# Usage: parallel_shards.sh SSHLOGIN SHARDS PARTS TRAILSIFT_ARGS...
#
# GNU parallel runs `trailsift TRAILSIFT_ARGS -o partial SHARD` for each line of SHARDS (a day
# folder, say) on the hosts of SSHLOGIN (`8/host1,8/host2`; `:` is this machine), writing the
# partial result of line N to PARTS/N.partial. The hosts need the mirror and PARTS at the same
# paths (a shared file system) and trailsift on their PATH (or TRAILSIFT=/path/to/trailsift).
# Then merge every expected name, so that a missing one is an error, never a smaller answer:
#   trailsift merge $(seq -f "PARTS/%g.partial" 1 "$(wc -l < SHARDS)")
# A shard that failed (an unreadable file) still writes its partial result, marked failed: the
# merge exits 2. jobs.log in PARTS lists each job's exit status.
set -euo pipefail
sshlogin=$1
shards=$2
parts=$3
shift 3
command="${TRAILSIFT:-trailsift} $(printf '%q ' "$@")-o partial {} > $(printf '%q' "$parts")/{#}.partial"
parallel --sshlogin "$sshlogin" --joblog "$parts/jobs.log" --halt never "$command" :::: "$shards"
