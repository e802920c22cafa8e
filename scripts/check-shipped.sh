#!/usr/bin/env bash
# Check that shipped binaries (the command line, the gateway) hold no development key
# derivation: the demo's X25519 derivation label and the node backend's actor derivation path
# are compiled in only with the `dev-keys` / `dev-actors` features, which only the tests, the
# demo and the benchmarks enable. Build each binary on its own (`cargo build -p <crate>`) before:
# a build of several crates at once unifies their features.
# Usage: scripts/check-shipped.sh BINARY ...
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 BINARY ..." >&2; exit 2; }
status=0
for binary in "$@"; do
    [ -f "$binary" ] || { echo "[shipped] $binary: not built" >&2; status=1; continue; }
    for marker in "carechain demo x25519 key of" "//CareChain//"; do
        if grep -aqF "$marker" "$binary"; then
            echo "[shipped] $binary holds a development key derivation (\"$marker\")" >&2
            status=1
        fi
    done
    [ $status -ne 0 ] || echo "[shipped] $binary: no development key derivation"
done
exit $status
