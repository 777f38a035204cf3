#!/usr/bin/env bash
#SBATCH --job-name=trailsift-shard
#SBATCH --output=slurm-%A_%a.log
# Usage: sbatch --array=1-N%MAX slurm_array.sh SHARDS PARTS TRAILSIFT_ARGS...
#
# Array task K runs `trailsift TRAILSIFT_ARGS -o partial` on line K of SHARDS (a day folder, say)
# and writes PARTS/K.partial (PARTS on a shared file system). Then, once every task is done:
#   sbatch --dependency=afterok:JOBID --wrap \
#     'trailsift merge $(seq -f "PARTS/%g.partial" 1 N) > result'
# A task succeeds once its partial result is complete: a shard that failed (an unreadable file)
# writes one marked failed, and the merge exits 2. A task killed or crashed leaves no partial
# result under its name and fails, so afterok holds the merge back.
set -euo pipefail
shards=$1
parts=$2
shift 2
task=${SLURM_ARRAY_TASK_ID:?not run as a Slurm array task}
shard=$(sed -n "${task}p" "$shards")
[[ -n $shard ]] || { echo "slurm_array.sh: $shards has no line $task" >&2; exit 2; }
status=0
"${TRAILSIFT:-trailsift}" "$@" -o partial "$shard" > "$parts/$task.partial.tmp" || status=$?
((status == 0 || status == 2)) || exit "$status"
mv "$parts/$task.partial.tmp" "$parts/$task.partial"
