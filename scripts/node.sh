#!/usr/bin/env bash
# A local substrate-contracts-node (crate `contracts-node` 0.42.0, pallet-contracts for ink! 5).
#
#   scripts/node.sh install   build and install it once (about 75 minutes on 2 cores, 8 GB of target)
#   scripts/node.sh start     install if missing, start in dev mode on 127.0.0.1:9944 (RPC) with its
#                             data in a temporary folder; prints the log path; waits until it answers
#   scripts/node.sh stop      stop the node this script started
#   scripts/node.sh status    say whether it answers on 127.0.0.1:9944
#
# Facts this relies on (measured on these machines):
#   - the node builds with Rust 1.81.0 (its own CI's toolchain), installed beside the contracts' 1.90;
#   - it needs protobuf-compiler, clang and libclang-dev from Debian;
#   - a plain `cargo install` fails inside the runtime's Wasm build, which re-resolves dependencies to
#     today's versions (they need edition 2024) because it cannot see the crate's Cargo.lock. We
#     unpack the crate ourselves and point WASM_BUILD_WORKSPACE_HINT at that folder (the one holding
#     its Cargo.lock), then install from the path with --locked.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION=0.42.0
NODE_TOOLCHAIN=1.81.0
NODE_BIN=substrate-contracts-node
RPC_PORT=${RPC_PORT:-9944}
STATE_DIR=${CARECHAIN_NODE_DIR:-/tmp/carechain-backend-node}

say() { printf '[node] %s\n' "$*"; }

# shellcheck source=scripts/lib.sh
. scripts/lib.sh
node_bin() { installed_bin "$NODE_BIN"; }

install_node() {
    if bin=$(node_bin) && "$bin" --version 2>/dev/null | grep -q "$NODE_VERSION"; then
        say "$("$bin" --version) present"
        return 0
    fi
    ensure_debian_packages protobuf-compiler clang libclang-dev curl
    rustup toolchain install "$NODE_TOOLCHAIN" --profile minimal \
        --component rust-src --target wasm32-unknown-unknown >/dev/null
    src_root=${CARECHAIN_NODE_SRC:-$HOME/.cache/carechain}
    src="$src_root/contracts-node-$NODE_VERSION"
    if [ ! -f "$src/Cargo.lock" ]; then
        mkdir -p "$src_root"
        say "downloading contracts-node $NODE_VERSION"
        curl -sSfL "https://static.crates.io/crates/contracts-node/contracts-node-$NODE_VERSION.crate" \
            | tar -xz -C "$src_root"
    fi
    say "building $NODE_BIN $NODE_VERSION with Rust $NODE_TOOLCHAIN (about 75 minutes on 2 cores)"
    WASM_BUILD_WORKSPACE_HINT="$src" \
    CARGO_TARGET_DIR="${CARECHAIN_NODE_TARGET:-$src_root/node-target}" \
        cargo "+$NODE_TOOLCHAIN" install --locked --path "$src" --root "$HOME/.cargo"
    say "installed $("$(node_bin)" --version)"
}

answers() {
    curl -s -m 2 -H 'Content-Type: application/json' \
        -d '{"id":1,"jsonrpc":"2.0","method":"system_health","params":[]}' \
        "http://127.0.0.1:${RPC_PORT}" 2>/dev/null | grep -q '"result"'
}

start_node() {
    if answers; then
        say "a node already answers on 127.0.0.1:${RPC_PORT}"
        return 0
    fi
    install_node
    bin=$(node_bin)
    mkdir -p "$STATE_DIR"
    data=$(mktemp -d "$STATE_DIR/data.XXXXXX")
    log="$STATE_DIR/node.log"
    say "starting $bin --dev on 127.0.0.1:${RPC_PORT}; data in $data; log: $log"
    nohup "$bin" --dev --base-path "$data" --rpc-port "$RPC_PORT" \
        --listen-addr /ip4/127.0.0.1/tcp/0 --rpc-cors all --no-prometheus --no-telemetry \
        >"$log" 2>&1 &
    echo $! >"$STATE_DIR/node.pid"
    for _ in $(seq 1 60); do
        if answers; then
            say "node up (pid $(cat "$STATE_DIR/node.pid"))"
            return 0
        fi
        sleep 1
    done
    say "the node did not answer within 60 s; see $log"
    return 1
}

stop_node() {
    if [ -f "$STATE_DIR/node.pid" ]; then
        pid=$(cat "$STATE_DIR/node.pid")
        kill "$pid" 2>/dev/null && say "stopped node (pid $pid)" || true
        rm -f "$STATE_DIR/node.pid"
    else
        say "no node started by this script"
    fi
}

case "${1:-start}" in
    install) install_node ;;
    start) start_node ;;
    stop) stop_node ;;
    status) if answers; then say "up on 127.0.0.1:${RPC_PORT}"; else say "not answering on 127.0.0.1:${RPC_PORT}"; exit 1; fi ;;
    *) echo "usage: $0 [install|start|stop|status]" >&2; exit 2 ;;
esac
