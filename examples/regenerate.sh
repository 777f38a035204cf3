#!/usr/bin/env bash
# Rebuilds trailsift-generate-mirror and rewrites examples/bucket/ from scratch.
# The output is deterministic: running this twice gives byte-identical files.
#
#   examples/regenerate.sh [BUILD_DIR]     (default: build, relative to the repository root)
set -euo pipefail

examples="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$examples")"
build="${1:-build}"
[[ "$build" == /* ]] || build="$repo/$build"

if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$build" --target trailsift-generate-mirror
generator="$build/bench/trailsift-generate-mirror"

# Generate next to the target, then swap, so a failure never leaves a half-written mirror.
staging="$(mktemp -d "$examples/.regenerate.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
"$generator" --out "$staging/bucket" --scenario example --summary "$staging/bucket-summary.json"

rm -rf "$examples/bucket"
mv "$staging/bucket" "$examples/bucket"
mv "$staging/bucket-summary.json" "$examples/bucket-summary.json"
echo "regenerate.sh: wrote $examples/bucket ($(find "$examples/bucket" -type f | wc -l) files)"
