#!/usr/bin/env bash
# `make demo`: what c8s can show today on this machine. Grows as components land; every step
# runs real code and prints what it checked. Exits non-zero when any check fails.
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
shared=${C8S_SHARED_DIR:-../shared}
echo "== c8s self-check: crypto core, certificate profile, HPKE, manifest contract =="
"$build/bin/c8sctl" selfcheck --manifest-doc "$shared/MANIFEST.md" \
  --golden test/fixtures/manifest
