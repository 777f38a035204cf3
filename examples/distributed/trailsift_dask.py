#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs trailsift on each shard of a bucket mirror as a Dask task and merges the shards'
results with `trailsift merge`.

stats and hunt run with `-o partial` on each day folder of one account and region
(AWSLogs/[ORG/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD). validate runs with `-o json` on each
chain, one account and region (`--account-id ACCOUNT --region REGION`, the folders
AWSLogs/[ORG/]ACCOUNT/CloudTrail[-Digest]/REGION): a chain's digests link to each other and
must be checked in one run. Without --scheduler, a LocalCluster of --workers worker processes
runs the tasks; with it, any Dask scheduler does (the workers need trailsift and the mirror at
the same paths).

    trailsift_dask.py --mirror bucket/ -o csv -- stats --by username,event-name

writes what `trailsift stats --by username,event-name -o csv bucket/` writes; so does hunt
(`-- hunt -r rules/`), correlations included, and validate
(`-- validate --public-keys keys.json`; in JSON, the report's options list the accounts and
regions of the chains). The merge's exit status is returned. See docs/scale-out.md.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

DAY = re.compile(r"(^|/)CloudTrail/[^/]+/\d{4}/\d{2}/\d{2}$")
CHAIN = re.compile(r"(^|/)AWSLogs/(o-[^/]+/)?(?P<account>\d{12})/CloudTrail(-Digest)?/"
                   r"(?P<region>[^/]+)$")
# The driver selects validate's chains itself; one --state file for concurrent shards would
# keep only the last shard's chains.
CHAIN_OPTIONS = ("--account-id", "--region", "--trail-arn", "--state")


def list_day_folders(mirror):
    """Every day folder of log files under the mirror, sorted."""
    shards = []
    for folder, subfolders, _ in os.walk(mirror):
        if DAY.search(os.path.relpath(folder, mirror)):
            shards.append(folder)
            subfolders.clear()
    return sorted(shards)


def list_chains(mirror):
    """Every (account, region) with a folder of log or digest files under the mirror, sorted.

    The whole mirror is walked, not only down to the region folders: validate finds trail
    folders under any prefix, even inside another trail's folders."""
    chains = set()
    for folder, _, _ in os.walk(mirror):
        match = CHAIN.search(os.path.relpath(folder, mirror))
        if match:
            chains.add((match["account"], match["region"]))
    return sorted(chains)


def shard_commands(command, mirror):
    """The trailsift arguments of each task, in the order the merge is given their results."""
    if command[0] == "validate":
        return [[*command, "-o", "json", "--account-id", account, "--region", region, mirror]
                for account, region in list_chains(mirror)]
    return [[*command, "-o", "partial", day] for day in list_day_folders(mirror)]


def run_shard(trailsift, arguments):
    """One task: trailsift's standard output, standard error and exit status."""
    done = subprocess.run([trailsift, *arguments], capture_output=True)
    return done.stdout, done.stderr, done.returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirror", required=True, help="the bucket mirror to shard")
    parser.add_argument("--trailsift", default="trailsift", help="the trailsift binary")
    parser.add_argument("--scheduler", help="a Dask scheduler address (default: a LocalCluster)")
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes")
    parser.add_argument("-o", "--output", help="the merged output form (default: the command's)")
    parser.add_argument("command", nargs=argparse.REMAINDER,
                        help="-- stats|hunt|validate ... : the command and its options, "
                             "without paths")
    args = parser.parse_args()
    command = [word for word in args.command if word != "--"]
    if not command or command[0] not in ("stats", "hunt", "validate"):
        parser.error("give the command after --: stats, hunt or validate [OPTION...] (diff has "
                     "two sides: see docs/scale-out.md)")
    validate = command[0] == "validate"
    if validate and any(word.split("=")[0] in CHAIN_OPTIONS for word in command):
        parser.error("validate: the driver runs one task per chain (account and region) "
                     f"itself: give none of {', '.join(CHAIN_OPTIONS)}")
    trailsift = os.path.abspath(args.trailsift) if os.sep in args.trailsift else args.trailsift

    from dask.distributed import Client, LocalCluster  # imported here: --help works without it

    shards = shard_commands(command, args.mirror)
    if not shards:
        what = "chains (AWSLogs/ACCOUNT/CloudTrail[-Digest]/REGION)" if validate else \
            "day folders of log files"
        print(f"trailsift_dask: {args.mirror}: no {what}", file=sys.stderr)
        return 2
    if args.scheduler:
        client = Client(args.scheduler)
    else:
        client = Client(LocalCluster(n_workers=args.workers, threads_per_worker=1,
                                     processes=True, dashboard_address=None))
    with client, tempfile.TemporaryDirectory() as work:
        futures = client.map(run_shard, [trailsift] * len(shards), shards, pure=False)
        results = []
        for index, (stdout, stderr, _) in enumerate(client.gather(futures)):
            # Each shard's errors and notes, in shard order; a validate report holds its own,
            # and the merge writes them: its shard's are needed only when it wrote none.
            if not validate or not stdout:
                sys.stderr.buffer.write(stderr)
            path = os.path.join(work, f"{index:06d}.result")
            with open(path, "wb") as out:
                out.write(stdout)
            results.append(path)
        # The options of one run that shape the merge's output rather than each shard's.
        shared = {"-q", "--quiet", *(("-v", "--verbose") if validate else ())}
        merge = [trailsift, "merge", *(["-o", args.output] if args.output else []),
                 *[word for word in command if word in shared], *results]
        sys.stdout.flush()
        return subprocess.run(merge).returncode


if __name__ == "__main__":
    sys.exit(main())
