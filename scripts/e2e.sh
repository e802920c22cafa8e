#!/usr/bin/env bash
# End-to-end on a real node: start substrate-contracts-node (built once by scripts/node.sh, about
# 75 minutes the first time), deploy the suite (scripts/deploy.sh), run e2e/ against it, stop the
# node. A node already answering on the URL is used and left running.
# Usage: scripts/e2e.sh [--url ws://127.0.0.1:9944]
set -euo pipefail
cd "$(dirname "$0")/.."

URL=ws://127.0.0.1:9944
[ "${1:-}" = "--url" ] && URL="$2"
say() { printf '[e2e] %s\n' "$*"; }

bash scripts/setup.sh
bash scripts/build.sh

started=""
if ! bash scripts/node.sh status >/dev/null 2>&1; then
    bash scripts/node.sh start
    started=yes
fi
cleanup() { [ -n "$started" ] && bash scripts/node.sh stop; }
trap cleanup EXIT

# A fresh dev node has no suite yet; a node we did not start may have one already.
bash scripts/deploy.sh --url "$URL" || say "using the suite already deployed on this chain"
CONTRACTS_NODE_URL="$URL" cargo test -p carechain-e2e -- --ignored --test-threads=1
say "end-to-end tests passed against $URL"
