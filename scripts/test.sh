#!/usr/bin/env bash
# The test command: setup, build the contracts, then formatting, clippy, unit tests and the drink
# integration tests across contracts (real pallet-contracts runtime, in process).
# Environment: CARECHAIN_FUZZ_CASES (default 256) sets the invariant-fuzzing case count.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/build.sh
bash scripts/build.sh faulty reference_token   # test doubles: the failing callee and relay, the yardstick token

step() { printf '[test] %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (workspace incl. the node client, all targets, warnings are errors)"
cargo clippy --workspace --all-targets --quiet -- -D warnings

# carechain-e2e's tests need a running node (scripts/e2e.sh); CI runs everything else.
step "cargo test (unit tests + drink integration tests)"
cargo test --workspace --exclude carechain-e2e --quiet
