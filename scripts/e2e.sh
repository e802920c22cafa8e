#!/usr/bin/env bash
# End-to-end on a real node, everything under e2e/: start substrate-contracts-node (scripts/node.sh;
# built from source once when no prebuilt copy is installed, about 75 minutes), deploy the suite
# (scripts/deploy.sh), start the record gateway as its own process, then run
#   - the Rust end-to-end tests (e2e/tests/node.rs),
#   - the command line on the node (e2e/cli.sh),
#   - the page in headless Chromium (e2e/browser/),
# and stop what it started. A node already answering on the URL is used and left running; then a
# suite already deployed there (deploy exit 3) is used. Each part is a suite of the run's report
# (scripts/lib.sh): called by scripts/test.sh they join its table; alone, this prints its own.
# Usage: scripts/e2e.sh [--url ws://127.0.0.1:9944]
set -uo pipefail
cd "$(dirname "$0")/.."

URL=ws://127.0.0.1:9944
[ "${1:-}" = "--url" ] && URL="$2"
say() { printf '[e2e] %s\n' "$*"; }
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
own_report=""
[ -z "${CARECHAIN_REPORT:-}" ] && own_report=yes
report_init
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"

started=""
garage_started=""
gateway_pid=""
# The gateway's store: a bucket on a Garage server (S3) when garage is installed, else a folder.
GATEWAY_STORE="$PWD/target/e2e-vault-$$"
if installed_bin garage >/dev/null; then
    if bash scripts/garage.sh status >/dev/null 2>&1 || { bash scripts/garage.sh start && garage_started=yes; }; then
        # shellcheck disable=SC1090
        . "$(bash scripts/garage.sh envfile)"
        GATEWAY_STORE="s3://carechain/e2e-$$"
    fi
fi
say "the gateway's store: $GATEWAY_STORE"
cleanup() {
    [ -n "$gateway_pid" ] && kill "$gateway_pid" 2>/dev/null
    case "$GATEWAY_STORE" in s3://*) ;; *) rm -rf "$GATEWAY_STORE" ;; esac
    if [ -n "$garage_started" ]; then bash scripts/garage.sh stop; fi
    if [ -n "$started" ]; then bash scripts/node.sh stop; fi
}
trap cleanup EXIT
finish() {
    if [ -n "$own_report" ]; then report_table; exit $?; fi
    exit "${1:-0}"
}

bash scripts/setup.sh >/dev/null && bash scripts/build.sh || { say "setup or build failed"; exit 1; }

if ! bash scripts/node.sh status >/dev/null 2>&1; then
    if ! suite "node: start substrate-contracts-node" bash scripts/node.sh start; then
        for s in "node: deploy" "e2e: Rust tests" "e2e: command line" "e2e: browser"; do skip "$s" "no node"; done
        finish 1
    fi
    started=yes
fi

deploy() {
    local status=0
    bash scripts/deploy.sh --url "$URL" || status=$?
    case "$status" in
        0) return 0 ;;
        3) if [ -n "$started" ]; then say "a node we just started cannot hold a suite already"; return 1; fi
           say "using the suite already deployed on this chain"; return 0 ;;
        *) return "$status" ;;
    esac
}
if ! suite "node: deploy and wire the suite" deploy; then
    for s in "e2e: Rust tests" "e2e: command line" "e2e: browser"; do skip "$s" "the deployment failed"; done
    finish 1
fi

# The record gateway as its own process, against this node.
GATEWAY_PORT=${CARECHAIN_GATEWAY_PORT:-8711}
start_gateway() {
    cargo build -q -p carechain-gateway || return 1
    bash scripts/check-shipped.sh target/debug/carechain-gateway || return 1
    target/debug/carechain-gateway --url "$URL" --listen "127.0.0.1:$GATEWAY_PORT" \
        --store "$GATEWAY_STORE" >target/e2e-gateway.log 2>&1 &
    gateway_pid=$!
    for _ in $(seq 1 30); do
        curl -s -m 1 "http://127.0.0.1:$GATEWAY_PORT/v1/health" >/dev/null && break
        sleep 1
    done
    curl -s -m 1 "http://127.0.0.1:$GATEWAY_PORT/v1/health" >/dev/null \
        || { say "the gateway did not start; its log:"; cat target/e2e-gateway.log; return 1; }
    say "gateway up on 127.0.0.1:$GATEWAY_PORT (log: target/e2e-gateway.log)"
}
failed=0
gateway_url=""
if suite "e2e: the record gateway as its own process" start_gateway; then
    gateway_url="http://127.0.0.1:$GATEWAY_PORT"
    suite "e2e: Rust tests on the node (e2e/tests/node.rs)" \
        env CONTRACTS_NODE_URL="$URL" CARECHAIN_GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT" \
        CARECHAIN_GATEWAY_STORE="$GATEWAY_STORE" \
        cargo test -q -p carechain-e2e --test node -- --ignored --test-threads=1 || failed=1
else
    failed=1
    skip "e2e: Rust tests on the node (e2e/tests/node.rs)" "the gateway did not start"
fi
suite "e2e: the carechain command line on the node (e2e/cli.sh)" \
    env CARECHAIN_GATEWAY_URL="$gateway_url" bash e2e/cli.sh "$URL" || failed=1
suite "e2e: the page in headless Chromium (e2e/browser)" bash scripts/ts.sh --browser "$URL" || failed=1
finish "$failed"
