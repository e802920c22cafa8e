#!/usr/bin/env bash
# The TypeScript SDK (sdk-ts) and the web page (web): install their npm dependencies from the lock
# files, check that the committed contract types match the built metadata, type-check both with
# tsc --strict, run the SDK's unit tests (node --test; among them the vectors the Rust side
# writes) and build the page. Needs the contracts built (scripts/build.sh) and Node.js 20 or
# newer (installed into target/nodeenv from PyPI where the machine's is older: scripts/lib.sh).
#   scripts/ts.sh                                 all of the above
#   scripts/ts.sh --browser [ws://127.0.0.1:9944] the page in headless Chromium against a node
#                                                 with the suite deployed (e2e/browser; run by
#                                                 scripts/e2e.sh); installs Debian's chromium
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[ts] %s\n' "$*"; }
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
ensure_node

npm_ci() {
    local dir=$1
    if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
        say "npm ci in $dir"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
}
npm_ci sdk-ts
npm_ci web

if [ "${1:-}" = "--browser" ]; then
    URL=${2:-ws://127.0.0.1:9944}
    command -v chromium >/dev/null 2>&1 || ensure_debian_packages chromium
    npm_ci e2e/browser
    say "SDK and page builds"
    (cd sdk-ts && npx tsc -p tsconfig.json)
    (cd web && node scripts/prepare.mjs >/dev/null && npx vite build --logLevel error)
    say "browser test: headless $(chromium --version 2>/dev/null | head -1) against $URL"
    node e2e/browser/browser.mjs --node "$URL"
    exit 0
fi

say "contract types: committed == generated from target/ink (dedot typink)"
(cd sdk-ts && node scripts/gen-types.mjs --check)
say "SDK: tsc --strict, then unit tests"
(cd sdk-ts && npx tsc -p tsconfig.json && node --test --test-reporter=spec dist/test/)
say "page: tsc --strict --noEmit, vite build"
(cd web && node scripts/prepare.mjs && npx tsc -p tsconfig.json && npx vite build --logLevel error)
