#!/usr/bin/env bash
# Fails when the core library (lib/, include/) writes to a stream or ends the process.
set -euo pipefail
cd "$1"
pattern='std::(cout|cerr|clog)|\b(printf|fprintf|puts|fputs|perror)\(|fmt::print|std::(exit|abort|quick_exit)\b|\b(exit|abort)\('
if grep -nE "$pattern" lib/*.cpp include/trailsift/*.hpp; then
  echo "the core library must not print or exit: return an Error and let tools/ report it" >&2
  exit 1
fi
echo "core library: no printing, no exiting"
