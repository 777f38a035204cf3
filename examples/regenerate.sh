#!/usr/bin/env bash
# Rebuilds trailsift-generate-mirror and trailsift-sign-mirror and rewrites examples/bucket/
# from scratch: the log files, then digest files signed with the TEST-ONLY key
# test-signing-key.pem, the public key (public-keys.json) and the signatures (signatures.json).
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
cmake --build "$build" --target trailsift-generate-mirror trailsift-sign-mirror
generator="$build/bench/trailsift-generate-mirror"
signer="$build/bench/trailsift-sign-mirror"

# Generate next to the target, then swap, so a failure never leaves a half-written mirror.
staging="$(mktemp -d "$examples/.regenerate.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
"$generator" --out "$staging/bucket" --scenario example --summary "$staging/bucket-summary.json"
"$signer" --key "$examples/test-signing-key.pem" --bucket acme-cloudtrail-logs --trail acme-org-trail \
  --public-keys "$staging/public-keys.json" --signatures "$staging/signatures.json" "$staging/bucket"

rm -rf "$examples/bucket"
mv "$staging/bucket" "$examples/bucket"
mv "$staging/bucket-summary.json" "$staging/public-keys.json" "$staging/signatures.json" "$examples/"
echo "regenerate.sh: wrote $examples/bucket ($(find "$examples/bucket" -type f | wc -l) files)"
