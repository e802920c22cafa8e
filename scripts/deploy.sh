#!/usr/bin/env bash
# Deploy the whole suite to a node with cargo-contract, in dependency order, and wire it:
#   registry, audit_log, consent(registry, audit_log), provenance(registry, audit_log),
#   claims(registry, consent, provenance, audit_log); then consent, provenance and claims become
#   audit-log writers, claims a relying contract of consent, and the organisations of --orgs are
#   credentialed.
# Writes deployments/<chain>-<genesis>.json (names, addresses, code hashes, metadata files) after
# every step, so a failed deployment is recorded as partial. Refuses to deploy a second suite on
# a chain that already has one recorded.
#
# With --orgs FILE it then credentials the first organisations, one per line of FILE:
#   <ss58 account> <roles, comma-separated> <credential: 0x + sha2-256 of the licence document>
# roles: provider manufacturer distributor pharmacy insurer researcher regulator; `#` starts a
# comment (see scripts/organisations.example). The file is checked before anything is deployed.
#
# Usage: scripts/deploy.sh [--url ws://127.0.0.1:9944] [--suri //Alice] [--orgs FILE]
set -euo pipefail
cd "$(dirname "$0")/.."

URL=ws://127.0.0.1:9944
SURI=//Alice
ORGS=""
while [ $# -gt 0 ]; do
    case "$1" in
        --url) URL="$2"; shift 2 ;;
        --suri) SURI="$2"; shift 2 ;;
        --orgs) ORGS="$2"; shift 2 ;;
        *) echo "usage: $0 [--url ws://127.0.0.1:9944] [--suri //Alice] [--orgs FILE]" >&2; exit 2 ;;
    esac
done
HTTP_URL=$(echo "$URL" | sed -e 's#^ws://#http://#' -e 's#^wss://#https://#')
say() { printf '[deploy] %s\n' "$*"; }
fail() { printf '[deploy] FAILED: %s\n' "$*" >&2; exit 1; }

rpc() {
    curl -s -m 10 -H 'Content-Type: application/json' \
        -d "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"$1\",\"params\":${2:-[]}}" "$HTTP_URL"
}
json_field() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# The organisations to credential, as cargo-contract arguments "account RoleSet(n) Digest(0x..)",
# checked before anything is deployed.
ORG_ARGS=""
if [ -n "$ORGS" ]; then
    [ -r "$ORGS" ] || fail "cannot read the organisations file $ORGS"
    ORG_ARGS=$(python3 - "$ORGS" <<'EOF'
import re, sys
roles = ["provider", "manufacturer", "distributor", "pharmacy", "insurer", "researcher", "regulator"]
path = sys.argv[1]
for number, line in enumerate(open(path), 1):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    fields = line.split()
    where = f"{path}:{number}"
    if len(fields) != 3:
        sys.exit(f"{where}: expected <account> <roles> <credential hash>, found {len(fields)} field(s)")
    account, names, credential = fields
    if not re.fullmatch(r"[1-9A-HJ-NP-Za-km-z]{46,48}", account):
        sys.exit(f"{where}: {account} is not an SS58 account")
    bits = 0
    for name in names.lower().split(","):
        if name not in roles:
            sys.exit(f"{where}: unknown role {name!r} (one of {', '.join(roles)})")
        bits |= 1 << roles.index(name)
    if not re.fullmatch(r"0x[0-9a-fA-F]{64}", credential):
        sys.exit(f"{where}: the credential must be 0x + 64 hex digits (sha2-256 of the licence document)")
    print(f"{account} RoleSet({bits}) Digest({credential.lower()})")
EOF
) || fail "the organisations file $ORGS is not valid (nothing deployed)"
fi

chain=$(rpc system_chain | json_field 'd["result"]' 2>/dev/null) \
    || fail "no node answers at $URL (start one with scripts/node.sh start)"
genesis=$(rpc chain_getBlockHash '[0]' | json_field 'd["result"]')
slug=$(echo "$chain" | tr 'A-Z ' 'a-z-' | tr -cd 'a-z0-9-')
mkdir -p deployments
MANIFEST="deployments/${slug}-${genesis:2:8}.json"
say "node at $URL: chain \"$chain\", genesis ${genesis:0:18}…; manifest $MANIFEST"

contract_exists() {
    cargo contract info --contract "$1" --url "$URL" --output-json >/dev/null 2>&1
}

if [ -f "$MANIFEST" ]; then
    recorded=$(python3 -c "import json; d=json.load(open('$MANIFEST')); print(' '.join(c['address'] for c in d['contracts'].values()))")
    live=0
    for address in $recorded; do contract_exists "$address" && live=$((live + 1)); done
    if [ "$live" -gt 0 ]; then
        status=$(python3 -c "import json; print(json.load(open('$MANIFEST'))['status'])")
        fail "this chain already has a ${status} CareChain deployment recorded in $MANIFEST ($live live contract(s)); not deploying a second suite. Use it, or remove the manifest deliberately."
    fi
    stale="$MANIFEST.stale-$(date +%s)"
    mv "$MANIFEST" "$stale"
    say "the recorded contracts no longer exist on this chain (fresh dev chain): kept the old manifest as $stale"
fi

for name in registry audit_log consent provenance claims; do
    [ -s "target/ink/$name/$name.contract" ] || fail "target/ink/$name/$name.contract is missing: run scripts/build.sh"
done

python3 - "$MANIFEST" "$chain" "$genesis" "$URL" "$SURI" <<'EOF'
import json, sys, time
path, chain, genesis, url, deployer = sys.argv[1:]
json.dump({"chain": chain, "genesis": genesis, "url": url, "deployer_suri": deployer,
           "status": "partial", "started_at": int(time.time()), "contracts": {}, "wiring": []},
          open(path, "w"), indent=2)
EOF

record_contract() { # name address code_hash
    python3 - "$MANIFEST" "$1" "$2" "$3" <<'EOF'
import json, sys
path, name, address, code_hash = sys.argv[1:]
d = json.load(open(path))
d["contracts"][name] = {"address": address, "code_hash": code_hash,
                        "metadata": f"target/ink/{name}/{name}.json", "bundle": f"target/ink/{name}/{name}.contract"}
json.dump(d, open(path, "w"), indent=2)
EOF
}

record_wiring() { # text
    python3 - "$MANIFEST" "$1" <<'EOF'
import json, sys
path, step = sys.argv[1:]
d = json.load(open(path)); d["wiring"].append(step); json.dump(d, open(path, "w"), indent=2)
EOF
}

explain() { # step output
    case "$2" in
        *StorageDepositLimitExhausted*|*StorageDepositNotEnoughFunds*)
            fail "$1: the storage deposit limit or the deployer's free balance does not cover the storage this call needs (see $MANIFEST for what was deployed)" ;;
        *InsufficientBalance*|*"Inability to pay some fees"*|*Payment*|*FundsUnavailable*)
            fail "$1: the deployer ($SURI) cannot pay the fees and deposits (see $MANIFEST for what was deployed)" ;;
        *OutOfGas*)
            fail "$1: ran out of gas (see $MANIFEST for what was deployed)" ;;
        *) printf '%s\n' "$2" >&2; fail "$1 (see $MANIFEST for what was deployed)" ;;
    esac
}

instantiate() { # name args...
    local name=$1; shift
    local out
    say "instantiate $name $*"
    if ! out=$(cargo contract instantiate "target/ink/$name/$name.contract" --constructor new \
        ${1:+--args "$@"} --suri "$SURI" --url "$URL" -x -y --output-json 2>&1); then
        explain "instantiate $name" "$out"
    fi
    local address code_hash
    address=$(printf '%s' "$out" | python3 -c "import json,sys; t=sys.stdin.read(); d=json.loads(t[t.index('{'):]); print(d.get('contract') or d.get('contract_address'))") \
        || explain "instantiate $name: unexpected output" "$out"
    code_hash=$(printf '%s' "$out" | python3 -c "import json,sys; t=sys.stdin.read(); d=json.loads(t[t.index('{'):]); print(d.get('code_hash',''))")
    record_contract "$name" "$address" "$code_hash"
    say "  $name at $address"
    eval "ADDR_${name}=$address"
}

call() { # name message args...
    local name=$1 message=$2; shift 2
    local address_var="ADDR_${name}" out
    say "call $name.$message $*"
    if ! out=$(cargo contract call "target/ink/$name/$name.contract" --contract "${!address_var}" \
        --message "$message" --args "$@" --suri "$SURI" --url "$URL" -x -y --output-json 2>&1); then
        explain "$name.$message" "$out"
    fi
    case "$out" in *'"Err"'*|*Revert*) explain "$name.$message answered an error" "$out" ;; esac
    record_wiring "$name.$message($*)"
}

instantiate registry
instantiate audit_log
instantiate consent "$ADDR_registry" "$ADDR_audit_log"
instantiate provenance "$ADDR_registry" "$ADDR_audit_log"
instantiate claims "$ADDR_registry" "$ADDR_consent" "$ADDR_provenance" "$ADDR_audit_log"
call audit_log add_writer "$ADDR_consent"
call audit_log add_writer "$ADDR_provenance"
call audit_log add_writer "$ADDR_claims"
call consent add_relying_contract "$ADDR_claims"
while read -r account roles credential; do
    [ -n "$account" ] && call registry register_organisation "$account" "$roles" "$credential"
done <<<"$ORG_ARGS"

python3 - "$MANIFEST" <<'EOF'
import json, sys, time
d = json.load(open(sys.argv[1])); d["status"] = "complete"; d["completed_at"] = int(time.time())
json.dump(d, open(sys.argv[1], "w"), indent=2)
EOF
say "deployed and wired; manifest: $MANIFEST"
