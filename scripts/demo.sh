#!/usr/bin/env bash
# The main job: the healthcare scenario, printed as a transcript with each call's gas, with the
# record vault (records encrypted off chain, released by the record gateway — its own process —
# only against the chain's decision).
#   scripts/demo.sh                             in process: pallet-contracts in the demo's process;
#                                               the gateway process reads that chain through a
#                                               loopback read service
#   scripts/demo.sh --url ws://127.0.0.1:9944   against a node where scripts/deploy.sh deployed the
#                                               suite, with a gateway process against that node
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[demo] %s\n' "$*"; }

bash scripts/setup.sh
bash scripts/build.sh
say "building the demo and the gateway (the first build takes several minutes)"
cargo build -q -p carechain-demo -p carechain-gateway
if [ "${1:-}" = "--url" ]; then
    URL="${2:?usage: scripts/demo.sh --url ws://127.0.0.1:9944}"
    PORT=${CARECHAIN_GATEWAY_PORT:-8700}
    STORE="$PWD/target/demo-vault"
    target/debug/carechain-gateway --url "$URL" --listen "127.0.0.1:$PORT" --store "$STORE" \
        >target/demo-gateway.log 2>&1 &
    gateway_pid=$!
    trap 'kill $gateway_pid 2>/dev/null || true' EXIT
    for _ in $(seq 1 30); do
        curl -s -m 1 "http://127.0.0.1:$PORT/v1/health" >/dev/null && break
        sleep 1
    done
    say "gateway (pid $gateway_pid) on 127.0.0.1:$PORT; its log: target/demo-gateway.log"
    target/debug/carechain-demo --url "$URL" --gateway "http://127.0.0.1:$PORT" --store "$STORE"
else
    target/debug/carechain-demo "$@"
fi
say "done: the scenario ran to its summary (above)"
