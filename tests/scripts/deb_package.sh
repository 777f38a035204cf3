#!/usr/bin/env bash
# `cpack -G DEB` makes a package that holds the binary, a man page per command and the
# completions, and whose trailsift runs from where it was unpacked.
set -euo pipefail
build_dir="$1"
source_dir="$2"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$scratch/package" > "$scratch/cpack.log" ||
  { cat "$scratch/cpack.log"; exit 1; }
package=$(find "$scratch/package" -maxdepth 1 -name 'trailsift_*.deb')
[[ -n $package ]] || { echo "cpack made no trailsift_*.deb"; exit 1; }
failures=0
fail() { echo "$*"; failures=1; }

info=$(dpkg-deb --info "$package")
grep -q "^ Package: trailsift$" <<< "$info" || fail "package not named trailsift"
grep -q "^ Depends: .*libsimdjson" <<< "$info" || fail "Depends lacks the shared libraries: $info"

root="$scratch/root"
dpkg-deb -x "$package" "$root"
version=$("$root/usr/bin/trailsift" --version) || fail "the packaged trailsift does not run"
[[ $version == "trailsift "* ]] || fail "trailsift --version printed '$version'"

for source in "$source_dir"/docs/man/*.1.md; do
  page=$(basename "$source" .md)
  installed="$root/usr/share/man/man1/$page"
  if [[ ! -f $installed ]]; then
    fail "no man page $page in the package"
  elif ! MANWIDTH=80 man -l "$installed" 2> "$scratch/man.err" | grep -q "^EXIT STATUS"; then
    fail "man -l $page shows no EXIT STATUS section: $(cat "$scratch/man.err")"
  elif grep -vE -e "warning.*(adjust|break) line" -e "^warning: file .*, around line" \
                -e "table wider than line width" "$scratch/man.err"; then  # all but layout
    fail "man -l $page reports the problems above"
  fi
done
for completion in bash-completion/completions/trailsift zsh/vendor-completions/_trailsift \
                  fish/vendor_completions.d/trailsift.fish; do
  [[ -f "$root/usr/share/$completion" ]] || fail "no $completion in the package"
done
((failures == 0)) && echo "$(basename "$package"): $version, $(ls "$root/usr/share/man/man1" | wc -l) man pages"
exit "$failures"
