#!/usr/bin/env bash
# Build every contract in release mode with cargo-contract into target/ink/<name>/
# (<name>.contract, .wasm, .json). cargo-contract runs clippy first with
# -D clippy::arithmetic_side_effects and the cast lints; any finding fails the build, and so does
# this script. Usage: scripts/build.sh [contract ...]
# Test-only contracts: reference_token (the benchmarks' yardstick), faulty (fault-test double).
# CARECHAIN_PRUNE_BUILD=1 (set by .ci/run) deletes each contract's intermediate build files once its
# artefacts are in place: cargo-contract gives every contract its own target directory (~1.9 GB
# each, 17 GB for all nine), which a disk-bound CI machine cannot spare; later builds start cold.
set -euo pipefail
cd "$(dirname "$0")/.."

CONTRACTS=(audit_log access registry consent provenance claims credentials)
[ $# -gt 0 ] && CONTRACTS=("$@")

# The contracts use checked arithmetic everywhere; overflow checks turn a missed case into a trap.
export CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS=true
# cargo-contract prints anyhow backtraces on failure when this is set; the compiler output is what matters.
export RUST_BACKTRACE=0

# A build is skipped when its inputs are those of the artefacts in place: the contract's sources,
# the shared crates (common, rules), the workspace manifest and lock file, the toolchain and
# cargo-contract's version, hashed into target/ink/<name>/.inputs after each successful build.
# (Several scripts build before they run; with pruned intermediates each would start cold.)
inputs_hash() {
    local dir=$1
    {
        find "$dir" contracts/common contracts/rules -type f -not -path '*/target/*' -print0 \
            | sort -z | xargs -0 sha256sum
        sha256sum Cargo.toml Cargo.lock rust-toolchain.toml scripts/build.sh
        cargo contract --version
    } | sha256sum | cut -d' ' -f1
}

for name in "${CONTRACTS[@]}"; do
    manifest="contracts/${name}/Cargo.toml"
    case "$name" in
        reference_token) manifest="tests/reference-token/Cargo.toml" ;;
        faulty) manifest="tests/faulty/Cargo.toml" ;;
    esac
    stamp="target/ink/${name}/.inputs"
    hash=$(inputs_hash "$(dirname "$manifest")")
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ] \
        && [ -s "target/ink/${name}/${name}.contract" ] && [ -s "target/ink/${name}/${name}.wasm" ] \
        && [ -s "target/ink/${name}/${name}.json" ]; then
        printf '[build] %s: up to date (%s bytes)\n' "$name" "$(wc -c < "target/ink/${name}/${name}.wasm")"
        continue
    fi
    printf '[build] %s\n' "$name"
    rm -f "$stamp"
    log=$(mktemp)
    if ! cargo contract build --release --quiet --manifest-path "$manifest" >"$log" 2>&1; then
        cat "$log"
        rm -f "$log"
        echo "[build] FAILED: ${name} (clippy or compilation, output above)" >&2
        exit 1
    fi
    rm -f "$log"
    for ext in contract wasm json; do
        [ -s "target/ink/${name}/${name}.${ext}" ] || {
            echo "[build] missing target/ink/${name}/${name}.${ext}" >&2; exit 1; }
    done
    printf '    %s.wasm: %s bytes\n' "$name" "$(wc -c < "target/ink/${name}/${name}.wasm")"
    echo "$hash" > "$stamp"
    if [ "${CARECHAIN_PRUNE_BUILD:-0}" = 1 ]; then
        rm -rf "target/ink/${name}/release" "target/ink/${name}/wasm32-unknown-unknown"
    fi
done
