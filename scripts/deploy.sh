#!/usr/bin/env bash
# Deploy the whole suite to a node and wire it, through the client crate's one deployment path
# (cli/src/bin/carechain-deploy.rs): audit_log, access(audit_log), registry(access), consent(access,
# audit_log), provenance(access, audit_log), claims(access, provenance, audit_log); access's writers
# are registry and consent, claims is its relying contract; access, consent, provenance and claims
# write the audit log. With --orgs FILE it then credentials the first organisations (format in
# scripts/organisations.example; the file is checked before anything is deployed).
#
# Writes deployments/<chain>-<genesis>.json after every step, so a failed deployment is recorded as
# partial. Refuses to deploy a second suite on a chain that already has one recorded (exit 3).
# The deployer's secret URI comes from CARECHAIN_SURI (default //Alice, the dev chain's account);
# it is never recorded.
#
# Usage: scripts/deploy.sh [--url ws://127.0.0.1:9944] [--orgs FILE] [--deployments DIR]
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build.sh
printf '[deploy] building the deployer (carechain-deploy)\n'
cargo build -q -p carechain-cli --bin carechain-deploy
exec target/debug/carechain-deploy "$@"
