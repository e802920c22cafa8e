#!/usr/bin/env bash
# End-to-end on a real node: start substrate-contracts-node (scripts/node.sh; built from source
# once when no prebuilt copy is installed, about 75 minutes), deploy the suite (scripts/deploy.sh),
# run node/tests/e2e.rs against it, stop the node. A node already answering on the URL is used and
# left running; then a suite already deployed there (deploy exit 3) is used.
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
cleanup() { if [ -n "$started" ]; then bash scripts/node.sh stop; fi; }
trap cleanup EXIT

status=0
bash scripts/deploy.sh --url "$URL" || status=$?
case "$status" in
    0) ;;
    3) if [ -n "$started" ]; then
           say "a node we just started cannot hold a suite already"; exit 1
       fi
       say "using the suite already deployed on this chain" ;;
    *) say "deployment failed"; exit "$status" ;;
esac
say "end-to-end tests (node/tests/e2e.rs) against $URL"
CONTRACTS_NODE_URL="$URL" cargo test -q -p carechain-node --test e2e -- --ignored --test-threads=1
say "end-to-end tests passed against $URL"
