#!/usr/bin/env bash
# The TypeScript client (clients/ts) and the web page (app): install their npm dependencies from
# the lock files, check that the committed contract types match the built metadata, type-check
# both with tsc --strict, run the client's unit tests (node --test) and build the page.
#   scripts/ts.sh             all of the above (needs the contracts built: scripts/build.sh)
#   scripts/ts.sh --browser [ws://127.0.0.1:9944]
#                             then the page in headless Chromium against a node with the suite
#                             deployed (scripts/e2e.sh runs this); installs Debian's chromium
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[ts] %s\n' "$*"; }

command -v node >/dev/null 2>&1 || {
    . scripts/lib.sh
    ensure_debian_packages nodejs npm
}
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 20 ] || { say "Node 20 or newer is needed (found $(node --version))"; exit 1; }

for dir in clients/ts app; do
    if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
        say "npm ci in $dir"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
done

say "contract types: committed == generated from target/ink (dedot typink)"
(cd clients/ts && node scripts/gen-types.mjs --check)
say "client: tsc --strict, then unit tests"
(cd clients/ts && npx tsc -p tsconfig.json && node --test --test-reporter=spec dist/test/)
say "page: tsc --strict --noEmit, vite build"
(cd app && node scripts/prepare.mjs && npx tsc -p tsconfig.json && npx vite build --logLevel error)

if [ "${1:-}" = "--browser" ]; then
    URL=${2:-ws://127.0.0.1:9944}
    if ! command -v chromium >/dev/null 2>&1; then
        . scripts/lib.sh
        ensure_debian_packages chromium
    fi
    say "browser test: headless $(chromium --version 2>/dev/null | head -1) against $URL"
    (cd app && node scripts/prepare.mjs >/dev/null && npx vite build --logLevel error && node test/browser.mjs --node "$URL")
fi
