#!/usr/bin/env bash
# Benchmarks: weight (ref_time, proof_size) and storage deposit of every message, hot messages
# against a reference ERC-20 token, scaling with 10 / 1,000 / 10,000 entries in storage,
# throughput on paper, code sizes. Writes docs/benchmarks.md and docs/benchmarks.json.
# Usage: scripts/bench.sh [--scales 10,1000,10000] [--out docs]
# Takes about 15 minutes the first time (release build of the in-process chain), then a few.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/build.sh
bash scripts/build.sh reference_token
cargo run --quiet --release -p carechain-tests --bin bench -- "$@"
