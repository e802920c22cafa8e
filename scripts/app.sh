#!/usr/bin/env bash
# Open the web page against a local node: start substrate-contracts-node if none answers (see
# scripts/node.sh), deploy the suite if this chain has none, build the page and serve it on
# http://127.0.0.1:5173 (Ctrl-C stops the server; a node this script started keeps running:
# scripts/node.sh stop). Sign with a polkadot{.js}-compatible wallet extension (Alice, the dev
# chain's admin, credentials organisations); pages opened by tests get development keys instead.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[app] %s\n' "$*"; }

bash scripts/setup.sh
bash scripts/build.sh
bash scripts/node.sh status >/dev/null 2>&1 || bash scripts/node.sh start
status=0
bash scripts/deploy.sh || status=$?
[ "$status" -eq 0 ] || [ "$status" -eq 3 ] || exit "$status"
bash scripts/ts.sh
say "serving the page on http://127.0.0.1:5173/?node=ws://127.0.0.1:9944"
cd web && exec npx vite preview --host 127.0.0.1 --port 5173 --strictPort
