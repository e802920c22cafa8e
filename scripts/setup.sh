#!/usr/bin/env bash
# Install what building and testing the suite needs. Idempotent: each step checks first.
#   - the pinned Rust toolchain (rust-toolchain.toml) with rust-src, clippy, rustfmt, wasm32 target
#   - cargo-contract 5.0.3 (about 25 minutes to compile the first time on 2 cores)
#   - Debian packages for native builds (C/C++ compiler for wasm-opt), when missing
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLCHAIN=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
CARGO_CONTRACT_VERSION=5.0.3

say() { printf '[setup] %s\n' "$*"; }

# Debian packages: a C/C++ toolchain (wasm-opt's C++ sources, ring), pkg-config.
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
ensure_debian_packages build-essential pkg-config

# rustup itself (present on our machines; installed for a bare one).
if ! command -v rustup >/dev/null 2>&1; then
    say "installing rustup"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --default-toolchain none --profile minimal
    # shellcheck disable=SC1091
    . "$HOME/.cargo/env"
fi

# RUSTUP_AUTO_INSTALL=0 on these machines: install the pinned toolchain explicitly.
if ! rustup toolchain list | grep -q "^${TOOLCHAIN}-"; then
    say "installing Rust ${TOOLCHAIN}"
fi
rustup toolchain install "$TOOLCHAIN" --profile minimal \
    --component rust-src --component clippy --component rustfmt \
    --target wasm32-unknown-unknown >/dev/null 2>&1 || {
    say "rustup toolchain install ${TOOLCHAIN} failed"; exit 1; }

if cargo contract --version 2>/dev/null | grep -q "contract ${CARGO_CONTRACT_VERSION}"; then
    say "cargo-contract ${CARGO_CONTRACT_VERSION} present"
else
    say "installing cargo-contract ${CARGO_CONTRACT_VERSION} (first time: ~25 minutes on 2 cores)"
    cargo "+${TOOLCHAIN}" install --locked --force cargo-contract --version "$CARGO_CONTRACT_VERSION"
fi
say "ready: $(rustc "+${TOOLCHAIN}" --version), $(cargo contract --version)"
