#!/usr/bin/env bash
# Usage: clang_format.sh SOURCE_DIR
#
# Every C++ source and header of the project is formatted as .clang-format says (clang-format
# --dry-run -Werror), so that a diff never mixes layout with meaning. Skipped (77) without
# clang-format.
set -euo pipefail
cd "$1"
command -v clang-format > /dev/null || { echo "SKIP: clang-format is missing"; exit 77; }
mapfile -t sources < <(find include lib tools tests bench -name '*.cpp' -o -name '*.hpp' | sort)
((${#sources[@]} > 100)) || { echo "FAIL: only ${#sources[@]} sources found"; exit 1; }
if ! clang-format --style=file --dry-run -Werror "${sources[@]}"; then
  echo "FAIL: run clang-format -i on the files above"
  exit 1
fi
echo "${#sources[@]} sources formatted"
