#!/usr/bin/env bash
# A local Garage server (crates.io `garage` 2.5.0: an S3-compatible object store made for
# self-hosted, multi-site clusters), the record vault's S3 backend in the tests and scripts/e2e.sh.
#
#   scripts/garage.sh install   build and install it once from crates.io (about 40 minutes on 2
#                               cores), with the machine's own stable Rust, not the project's pin
#   scripts/garage.sh start     install if missing; start a single-node cluster (sqlite metadata,
#                               replication factor 1) on 127.0.0.1:${GARAGE_S3_PORT:-3900} with a
#                               bucket `carechain` and a fresh access key; waits until it answers
#   scripts/garage.sh stop      stop the server this script started
#   scripts/garage.sh status    say whether it answers
#   scripts/garage.sh envfile   the path of the file (mode 600) that sets AWS_* for it: source it
#
# The server's data lives in a temporary folder under $CARECHAIN_GARAGE_DIR (default
# /tmp/carechain-garage). Its RPC secret and access key are made fresh at each start and handed to
# it in its environment and its mode-600 config, never on a command line, and never printed.
# A store for the gateway is then `s3://carechain/<prefix>` with that environment.
set -euo pipefail
cd "$(dirname "$0")/.."

GARAGE_VERSION=2.5.0
GARAGE_TOOLCHAIN=${GARAGE_TOOLCHAIN:-stable}
S3_PORT=${GARAGE_S3_PORT:-3900}
RPC_PORT=${GARAGE_RPC_PORT:-3901}
STATE_DIR=${CARECHAIN_GARAGE_DIR:-/tmp/carechain-garage}
BUCKET=carechain

say() { printf '[garage] %s\n' "$*"; }

# shellcheck source=scripts/lib.sh
. scripts/lib.sh
garage_bin() { installed_bin garage; }

install_garage() {
    if bin=$(garage_bin) && "$bin" --version 2>/dev/null | grep -q "$GARAGE_VERSION"; then
        say "$("$bin" --version | head -1) present"
        return 0
    fi
    ensure_debian_packages build-essential pkg-config curl
    rustup toolchain install "$GARAGE_TOOLCHAIN" --profile minimal >/dev/null
    say "building garage $GARAGE_VERSION with Rust $GARAGE_TOOLCHAIN (about 40 minutes on 2 cores)"
    # Outside the repository, so its rust-toolchain.toml does not pin the build.
    (cd "$HOME" && CARGO_TARGET_DIR="${CARECHAIN_GARAGE_TARGET:-$HOME/.cache/carechain/garage-target}" \
        cargo "+$GARAGE_TOOLCHAIN" install garage --version "$GARAGE_VERSION" --locked --root "$HOME/.cargo")
    say "installed $("$(garage_bin)" --version | head -1)"
}

answers() {
    # Garage answers an unsigned request with 403: it is up.
    local code
    code=$(curl -s -m 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:${S3_PORT}/" 2>/dev/null || true)
    [ "$code" = "403" ] || [ "$code" = "200" ]
}

start_garage() {
    if answers && [ -f "$STATE_DIR/env" ]; then
        say "garage already answers on 127.0.0.1:${S3_PORT}"
        return 0
    fi
    install_garage
    bin=$(garage_bin)
    mkdir -p "$STATE_DIR"
    data=$(mktemp -d "$STATE_DIR/data.XXXXXX")
    umask 077
    cat > "$data/garage.toml" <<EOF
metadata_dir = "$data/meta"
data_dir = "$data/data"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:${RPC_PORT}"
rpc_public_addr = "127.0.0.1:${RPC_PORT}"
rpc_secret = "$(openssl rand -hex 32)"

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:${S3_PORT}"
root_domain = ".s3.garage.localhost"
EOF
    key_id="GK$(openssl rand -hex 12)"
    secret=$(openssl rand -hex 32)
    cat > "$STATE_DIR/env" <<EOF
export AWS_ACCESS_KEY_ID=$key_id
export AWS_SECRET_ACCESS_KEY=$secret
export AWS_REGION=garage
export AWS_DEFAULT_REGION=garage
export AWS_ENDPOINT=http://127.0.0.1:${S3_PORT}
export AWS_ALLOW_HTTP=true
EOF
    log="$STATE_DIR/garage.log"
    say "starting $bin server (single node) on 127.0.0.1:${S3_PORT}; data in $data; log: $log"
    GARAGE_DEFAULT_ACCESS_KEY=$key_id GARAGE_DEFAULT_SECRET_KEY=$secret GARAGE_DEFAULT_BUCKET=$BUCKET \
        nohup "$bin" -c "$data/garage.toml" server --single-node --default-bucket >"$log" 2>&1 &
    echo $! > "$STATE_DIR/pid"
    for _ in $(seq 1 60); do
        if answers; then
            say "garage $GARAGE_VERSION answers; bucket $BUCKET; environment: $STATE_DIR/env"
            return 0
        fi
        if ! kill -0 "$(cat "$STATE_DIR/pid")" 2>/dev/null; then
            say "garage exited; its log:"; tail -20 "$log"; return 1
        fi
        sleep 1
    done
    say "garage did not answer within 60 s; its log:"; tail -20 "$log"
    return 1
}

stop_garage() {
    if [ -f "$STATE_DIR/pid" ]; then
        pid=$(cat "$STATE_DIR/pid")
        kill "$pid" 2>/dev/null && say "stopped garage (pid $pid)" || true
        rm -f "$STATE_DIR/pid" "$STATE_DIR/env"
        rm -rf "$STATE_DIR"/data.*
    else
        say "no garage started by this script"
    fi
}

case "${1:-}" in
    install) install_garage ;;
    start) start_garage ;;
    stop) stop_garage ;;
    status) if answers; then say "answers on 127.0.0.1:${S3_PORT}"; else say "not answering"; exit 1; fi ;;
    envfile) [ -f "$STATE_DIR/env" ] && echo "$STATE_DIR/env" || { say "not started"; exit 1; } ;;
    *) echo "usage: scripts/garage.sh install|start|stop|status|envfile" >&2; exit 2 ;;
esac
