#!/usr/bin/env bash
# Check that shipped binaries (the command line, the gateway) hold no development key
# derivation: the demo's X25519 derivation label and the node backend's actor derivation path
# are compiled in only with the `dev-keys` / `dev-actors` features, which only the tests, the
# demo and the benchmarks enable. Build each binary on its own (`cargo build -p <crate>`) before:
# a build of several crates at once unifies their features.
# `--control BINARY`: a binary built with the features (the node end-to-end tests'), which must
# hold the labels, so a check that could not fail is noticed.
# Usage: scripts/check-shipped.sh [--control BINARY] BINARY ...
set -euo pipefail
MARKERS=("carechain demo x25519 key of" "//CareChain//")
if [ "${1:-}" = "--control" ]; then
    control=$2
    shift 2
    for marker in "${MARKERS[@]}"; do
        grep -aqF "$marker" "$control" || {
            echo "[shipped] the control $control lacks \"$marker\": this check would find nothing" >&2
            exit 1
        }
    done
fi
[ $# -gt 0 ] || { echo "usage: $0 [--control BINARY] BINARY ..." >&2; exit 2; }
status=0
for binary in "$@"; do
    [ -f "$binary" ] || { echo "[shipped] $binary: not built" >&2; status=1; continue; }
    found=""
    for marker in "${MARKERS[@]}"; do
        if grep -aqF "$marker" "$binary"; then
            echo "[shipped] $binary holds a development key derivation (\"$marker\")" >&2
            found=yes
        fi
    done
    if [ -n "$found" ]; then status=1; else echo "[shipped] $binary: no development key derivation"; fi
done
exit $status
