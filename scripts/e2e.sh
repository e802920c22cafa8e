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
# The record gateway as its own process, against this node.
GATEWAY_PORT=${CARECHAIN_GATEWAY_PORT:-8711}
GATEWAY_STORE="$PWD/target/e2e-vault-$$"
say "building the node client and the gateway"
cargo build -q -p carechain-node --bins
target/debug/carechain-gateway --url "$URL" --listen "127.0.0.1:$GATEWAY_PORT" \
    --store "$GATEWAY_STORE" >target/e2e-gateway.log 2>&1 &
gateway_pid=$!
cleanup() {
    kill "$gateway_pid" 2>/dev/null || true
    rm -rf "$GATEWAY_STORE"
    if [ -n "$started" ]; then bash scripts/node.sh stop; fi
}
for _ in $(seq 1 30); do
    curl -s -m 1 "http://127.0.0.1:$GATEWAY_PORT/v1/health" >/dev/null && break
    sleep 1
done
curl -s -m 1 "http://127.0.0.1:$GATEWAY_PORT/v1/health" >/dev/null \
    || { say "the gateway did not start; its log:"; cat target/e2e-gateway.log; exit 1; }
say "gateway up on 127.0.0.1:$GATEWAY_PORT (log: target/e2e-gateway.log)"

say "end-to-end tests (node/tests/e2e.rs) against $URL"
CONTRACTS_NODE_URL="$URL" CARECHAIN_GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT" \
    CARECHAIN_GATEWAY_STORE="$GATEWAY_STORE" \
    cargo test -q -p carechain-node --test e2e -- --ignored --test-threads=1
say "the carechain command line against $URL"
bash scripts/cli-e2e.sh "$URL"
say "the web page in headless Chromium against $URL"
bash scripts/ts.sh --browser "$URL"
say "end-to-end tests passed against $URL"
