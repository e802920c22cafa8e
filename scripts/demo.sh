#!/usr/bin/env bash
# The main job: the healthcare scenario, printed as a transcript with each call's gas.
# By default on the in-process chain (drink: pallet-contracts in process, no node).
#   scripts/demo.sh                               in process
#   scripts/demo.sh --url ws://127.0.0.1:9944     against a node where scripts/deploy.sh deployed the suite
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/build.sh
if [ "${1:-}" = "--url" ]; then
    cargo run --quiet -p carechain-e2e --bin scenario -- "$@"
else
    cargo run --quiet -p carechain-tests --bin scenario -- "$@"
fi
