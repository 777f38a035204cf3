#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs one `trailsift COMMAND -o partial` per shard of a bucket mirror on a Dask cluster and
merges the partial results with `trailsift merge`.

A shard is one day folder of one account and region (AWSLogs/[ORG/]ACCOUNT/CloudTrail/REGION/
YYYY/MM/DD). Without --scheduler, a LocalCluster of --workers worker processes runs the tasks;
with it, any Dask scheduler does (the workers need trailsift and the mirror at the same paths).

    trailsift_dask.py --mirror bucket/ -o csv -- stats --by username,event-name

writes what `trailsift stats --by username,event-name -o csv bucket/` writes; so does hunt
(`-- hunt -r rules/`), correlations included. The merge's exit
status is returned. See docs/scale-out.md.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

DAY = re.compile(r"(^|/)CloudTrail/[^/]+/\d{4}/\d{2}/\d{2}$")


def list_shards(mirror):
    """Every day folder of log files under the mirror, sorted."""
    shards = []
    for folder, subfolders, _ in os.walk(mirror):
        relative = os.path.relpath(folder, mirror)
        if DAY.search(relative):
            shards.append(folder)
            subfolders.clear()
    return sorted(shards)


def run_shard(trailsift, command, shard):
    """One task: the partial result of COMMAND over one shard, its stderr and exit status."""
    done = subprocess.run([trailsift, *command, "-o", "partial", shard], capture_output=True)
    return done.stdout, done.stderr, done.returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirror", required=True, help="the bucket mirror to shard")
    parser.add_argument("--trailsift", default="trailsift", help="the trailsift binary")
    parser.add_argument("--scheduler", help="a Dask scheduler address (default: a LocalCluster)")
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes")
    parser.add_argument("-o", "--output", help="the merged output form (default: the command's)")
    parser.add_argument("command", nargs=argparse.REMAINDER,
                        help="-- stats|hunt ... : the command and its options, without paths")
    args = parser.parse_args()
    command = [word for word in args.command if word != "--"][:]
    if not command or command[0] not in ("stats", "hunt"):
        parser.error("give the command after --: stats or hunt [OPTION...] (diff has two sides: "
                     "see docs/scale-out.md)")
    trailsift = os.path.abspath(args.trailsift) if os.sep in args.trailsift else args.trailsift

    from dask.distributed import Client, LocalCluster  # imported here: --help works without it

    shards = list_shards(args.mirror)
    if not shards:
        print(f"trailsift_dask: {args.mirror}: no day folders of log files", file=sys.stderr)
        return 2
    if args.scheduler:
        client = Client(args.scheduler)
    else:
        client = Client(LocalCluster(n_workers=args.workers, threads_per_worker=1,
                                     processes=True, dashboard_address=None))
    with client, tempfile.TemporaryDirectory() as work:
        futures = client.map(run_shard, [trailsift] * len(shards), [command] * len(shards),
                             shards, pure=False)
        partials = []
        for index, (stdout, stderr, _) in enumerate(client.gather(futures)):
            sys.stderr.buffer.write(stderr)  # each shard's errors and notes, in shard order
            path = os.path.join(work, f"{index:06d}.partial")
            with open(path, "wb") as out:
                out.write(stdout)
            partials.append(path)
        merge = [trailsift, "merge", *(["-o", args.output] if args.output else []), *partials]
        sys.stdout.flush()
        return subprocess.run(merge).returncode


if __name__ == "__main__":
    sys.exit(main())
