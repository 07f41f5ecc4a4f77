#!/usr/bin/env bash
# Checks that every Debian package providing a header, library or tool the build used is
# installed by scripts/install-deps.sh (directly or as a dependency of a listed package), so a
# package left on a machine by hand cannot hide a missing install step.
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
[ -f "$build/build.ninja" ] || { echo "check-deps: $build is not configured" >&2; exit 2; }

files=$(mktemp); trap 'rm -f "$files"' EXIT
# Headers the compiler read (from ninja's dependency log).
ninja -C "$build" -t deps 2>/dev/null | awk '$1 ~ /^\/usr\// {print $1}' >>"$files"
# Shared libraries our binaries load.
find "$build/bin" "$build/tests" -maxdepth 1 -type f -executable 2>/dev/null |
  xargs -r ldd 2>/dev/null | awk '$3 ~ /^\// {print $3}' >>"$files"
# Tools and libraries CMake found (absolute paths in the cache).
grep -oE '=/usr/[^;]+$' "$build/CMakeCache.txt" | cut -c2- | while read -r f; do
  if [ -f "$f" ]; then echo "$f"; fi; done >>"$files"
sort -u -o "$files" "$files"

bad=0
# Map every path to its package in one dpkg call (per-file calls take a minute). /usr-merged
# systems register some files under /lib, so unknown paths are retried with the prefix dropped.
owners=$(mktemp); trap 'rm -f "$files" "$owners"' EXIT
xargs -r readlink -f <"$files" | sort -u >"$files.real"; mv "$files.real" "$files"
xargs -r dpkg -S <"$files" 2>/dev/null >"$owners" || true
while read -r f; do
  grep -q ": $f\$" "$owners" && continue
  dpkg -S "${f#/usr}" 2>/dev/null | head -1 >>"$owners" || { echo "check-deps: no package owns $f"; bad=1; }
done <"$files"

mapfile -t listed < <(bash scripts/install-deps.sh --list)
closure=$(apt-cache depends --recurse --installed --no-recommends --no-suggests --no-conflicts \
  --no-breaks --no-replaces --no-enhances "${listed[@]}" 2>/dev/null |
  sed -n 's/^ *\(PreDepends\|Depends\): <\{0,1\}\([^>:]*\)>\{0,1\}.*/\2/p; s/^\([a-z0-9][^ :]*\)$/\1/p' | sort -u)
# Essential packages are on every Debian system.
essential=$(dpkg-query -W -f='${Package} ${Essential}\n' | awk '$2=="yes"{print $1}')

checked=0
while read -r pkg; do
  checked=$((checked + 1))
  if ! grep -qx "$pkg" <<<"$closure" && ! grep -qx "$pkg" <<<"$essential"; then
    echo "check-deps: $pkg (provides $(grep -m1 "^$pkg[:,]" "$owners" | cut -d' ' -f2-)) is used by the build but not installed by scripts/install-deps.sh"
    bad=1
  fi
done < <(cut -d: -f1 "$owners" | tr ',' '\n' | sed 's/^ *//' | sort -u)
echo "check-deps: $checked packages used by the build, all installed by scripts/install-deps.sh: $([ $bad = 0 ] && echo yes || echo NO)"
exit $bad
