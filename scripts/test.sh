#!/usr/bin/env bash
# The test command: setup, build the contracts, then formatting, clippy, unit tests and the drink
# integration tests across contracts (real pallet-contracts runtime, in process), then the end-to-end
# tests on a node when one is installed.
# Environment: CARECHAIN_FUZZ_CASES (default 256) sets the invariant-fuzzing case count.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '[test] %s\n' "$*"; }

bash scripts/setup.sh
# A cold run writes about 20 GB under target/ (less with CARECHAIN_PRUNE_BUILD=1): say so up front
# rather than let a full disk surface as a compiler error fifteen minutes in.
free_gb=$(df -Pk . | awk 'NR==2 { print int($4 / 1048576) }')
step "disk: ${free_gb} GB free here"
[ "$free_gb" -ge 20 ] || step "WARNING: under 20 GB free; a cold build may run out of disk (No space left on device)"
# Formatting first: it needs no build, and a long build should not end in a formatting failure.
step "cargo fmt --check"
cargo fmt --all -- --check

bash scripts/build.sh
bash scripts/build.sh faulty reference_token   # test doubles: the failing callee and relay, the yardstick token

bash scripts/pyenv.sh   # fhir.resources and pyx12: independent checkers of the CLI's FHIR and X12

step "cargo clippy (workspace incl. the node client, all targets, warnings are errors)"
cargo clippy --workspace --all-targets --quiet -- -D warnings

# node/tests/e2e.rs is ignored here (it needs a node); it runs below when a node binary exists.
step "cargo test (unit tests, typed-message checks, in-process integration tests)"
cargo test --workspace --quiet

step "TypeScript client and web page (types current, tsc --strict, unit tests, build)"
bash scripts/ts.sh

# The end-to-end tests on substrate-contracts-node, when it is installed (prebuilt on CI machines;
# `scripts/node.sh install` builds it from source in about 75 minutes).
if command -v substrate-contracts-node >/dev/null 2>&1 || [ -x "$HOME/.cargo/bin/substrate-contracts-node" ]; then
    step "end-to-end tests on substrate-contracts-node (scripts/e2e.sh)"
    bash scripts/e2e.sh
else
    step "SKIPPED end-to-end tests: no substrate-contracts-node (scripts/node.sh install builds it, ~75 min)"
fi
