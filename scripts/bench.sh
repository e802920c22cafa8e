#!/usr/bin/env bash
# Benchmarks: weight (ref_time, proof_size) and storage deposit of every message, hot messages
# against a reference ERC-20 token, scaling with 10 / 1,000 / 10,000 entries in storage,
# throughput on paper, code sizes. Writes docs/benchmarks.md and docs/benchmarks.json.
# Usage: scripts/bench.sh [--scales 10,1000,10000] [--out docs]
# Takes about 15 minutes the first time (release build of the in-process chain), then a few.
#
#   scripts/bench.sh --url ws://127.0.0.1:9944
# instead weighs the access-check hot path on a running node where scripts/deploy.sh deployed the
# suite (against a reference token it deploys there) into docs/benchmarks-node.{md,json}.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/build.sh
bash scripts/build.sh reference_token
if [ "${1:-}" = "--url" ]; then
    [ -n "${2:-}" ] || { echo "usage: $0 --url ws://127.0.0.1:9944" >&2; exit 2; }
    cargo run --quiet -p carechain-e2e --bin weights -- --url "$2" --json docs/benchmarks-node.json \
        > docs/benchmarks-node.md.new
    mv docs/benchmarks-node.md.new docs/benchmarks-node.md
    cat docs/benchmarks-node.md
else
    cargo run --quiet --release -p carechain-tests --bin bench -- "$@"
fi
