#!/usr/bin/env bash
# The invariant fuzzing at full strength: 5,000 random call sequences (CI runs 256).
# Usage: scripts/fuzz.sh [cases]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
CARECHAIN_FUZZ_CASES="${1:-5000}" cargo test --release -p carechain-tests --test invariants -- --nocapture
