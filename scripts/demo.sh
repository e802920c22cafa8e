#!/usr/bin/env bash
# The main job: the healthcare scenario, printed as a transcript with each call's gas.
# By default on the in-process chain (drink). Usage: scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/build.sh
cargo run --quiet -p carechain-tests --bin scenario -- "$@"
