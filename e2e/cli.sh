#!/usr/bin/env bash
# The `carechain` command line against a node with the suite deployed (run by scripts/e2e.sh):
# the deployer credentials the dev account //Bob as a manufacturer; //Bob imports an EPCIS 2.0
# commissioning event, verifies a pack (VERIFIED), recalls the lot, verifies again (RECALLED,
# exit 5), exports the lot's history; //Charlie, an insurer, funds and draws on its escrow; //Eve,
# a provider, opens and closes break-glass access for //Dave; refusals exit 1 with the contract's
# error; with a gateway (CARECHAIN_GATEWAY_URL), //Eve puts a 10 MiB record for //Dave, //Ferdie is
# refused until //Dave grants it and shares the key, reads the same bytes, and is refused after
# the revocation (every vault key made by `carechain vault-key`); then the acceptance story with
# keystore identities only (hospital A, clinic B, a patient): put 10 MiB, share, read, revoke
# (exit 5), the patient's key changes and the hospital re-wraps for it, the hospital rotates its
# own key and re-wraps from the former one; the insurer settles hospital A's claim on the record
# from the command line and its escrow balances exactly; the audit chain is verified.
# Secret URIs come from files.
# Usage: e2e/cli.sh [ws://127.0.0.1:9944] (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
URL=${1:-ws://127.0.0.1:9944}
say() { printf '[cli-e2e] %s\n' "$*"; }
cargo build -q -p carechain-cli --bin carechain
# The check's control: a binary built with the derivations (the node end-to-end tests', when
# scripts/e2e.sh ran them first).
control=$(ls target/debug/deps/node-* 2>/dev/null | grep -v '\.d$' | head -1 || true)
bash scripts/check-shipped.sh ${control:+--control "$control"} target/debug/carechain
CC="target/debug/carechain --url $URL"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
umask 077
export CARECHAIN_PENDING="$WORK/pending"
printf '%s' "${CARECHAIN_SURI:-//Alice}" > "$WORK/deployer.suri"
printf '//Bob' > "$WORK/bob.suri"
BOB=5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty
echo "Acme Pharma GMP licence (e2e)" > "$WORK/licence.txt"

say "the deployer credentials //Bob as a manufacturer (already done on this chain is fine)"
set +e
out=$($CC --suri-file "$WORK/deployer.suri" org-register "$BOB" --roles manufacturer \
      --credential-file "$WORK/licence.txt" --key "$(printf '11%.0s' $(seq 32))" 2>&1)
code=$?
set -e
if [ $code -ne 0 ] && ! grep -q "OrganisationExists" <<<"$out"; then
    say "org-register failed ($code): $out"; exit 1
fi

LOT="E2E$(date +%s)"
cat > "$WORK/md.json" <<JSON
{"parties": [{"name": "Acme Pharma", "account": "$BOB", "ids": ["urn:epc:id:pgln:0614141.00000", "urn:epc:id:sgln:0614141.00001.0"]}]}
JSON
cat > "$WORK/commission.json" <<JSON
{"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
 "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-01-01T08:00:00Z",
 "epcisBody": {"eventList": [{"type": "ObjectEvent", "eventTime": "2026-01-01T09:00:00Z",
   "eventTimeZoneOffset": "+00:00", "action": "ADD", "bizStep": "commissioning",
   "epcList": ["urn:epc:id:sgtin:0614141.112345.1", "urn:epc:id:sgtin:0614141.112345.2"],
   "bizLocation": {"id": "urn:epc:id:sgln:0614141.00001.0"},
   "ilmd": {"cbvmda:lotNumber": "$LOT", "cbvmda:itemExpirationDate": "2030-12-31"}}]}}
JSON
say "//Bob imports an EPCIS commissioning event (lot $LOT)"
$CC --suri-file "$WORK/bob.suri" epcis-import "$WORK/commission.json" --master-data "$WORK/md.json"
say "a pack verifies"
$CC --json verify-pack --element-string "(01)10614141123459(21)2(10)$LOT(17)301231" | tee "$WORK/v1.json"
grep -q '"responseCode": "VERIFIED"' "$WORK/v1.json"
BATCH=$(grep -o '"batch": [0-9]*' "$WORK/v1.json" | head -1 | grep -o '[0-9]*$')
say "//Bob recalls batch $BATCH; the pack now answers RECALLED (exit 5)"
$CC --suri-file "$WORK/bob.suri" recall --batch "$BATCH" --reason quality-defect
set +e
$CC --json verify-pack --element-string "(01)10614141123459(21)2(10)$LOT(17)301231" > "$WORK/v2.json"
code=$?
set -e
[ $code -eq 5 ] && grep -q '"responseCode": "RECALLED"' "$WORK/v2.json" || { cat "$WORK/v2.json"; say "expected RECALLED, exit 5 (got $code)"; exit 1; }
say "the lot's history as EPCIS 2.0"
$CC --json epcis-export --batch "$BATCH" --master-data "$WORK/md.json" > "$WORK/export.json"
grep -q '"recalled"' "$WORK/export.json" && grep -q '"commissioning"' "$WORK/export.json"
say "a stranger's recall is refused with the contract's error name (exit 1)"
set +e
out=$($CC --suri-file "$WORK/deployer.suri" recall --batch "$BATCH" --reason safety-issue 2>&1); code=$?
set -e
grep -q "BatchRecalled\|NotParty\|MissingRole\|AlreadyRecalled\|InvalidBatchState" <<<"$out" && [ $code -eq 1 ] || { say "unexpected: $code $out"; exit 1; }
# Already done on a chain this script ran on before: fine.
# Vault keys the command line made, kept under target/e2e-keys so a chain this ran on before
# finds the keys it registered.
KEYS=target/e2e-keys
mkdir -p "$KEYS" && chmod 700 "$KEYS"
vault_public() { # name -> its public vault key, hex (made once)
    [ -f "$KEYS/$1.vault-key" ] || $CC --json vault-key --out "$KEYS/$1.vault-key" > "$KEYS/$1.public.json"
    grep -o '"vaultPublicKey": "[0-9a-f]*"' "$KEYS/$1.public.json" | grep -o '[0-9a-f]\{64\}'
}
register_org() { # name account roles
    local out code
    set +e
    out=$($CC --suri-file "$WORK/deployer.suri" org-register "$2" --roles "$3" \
          --credential-file "$WORK/licence.txt" --key "$(vault_public "$1")" 2>&1)
    code=$?
    set -e
    [ $code -eq 0 ] || grep -q "OrganisationExists" <<<"$out" || { say "org-register $2 failed ($code): $out"; exit 1; }
}
printf '//Charlie' > "$WORK/charlie.suri"
printf '//Eve' > "$WORK/eve.suri"
printf '//Dave' > "$WORK/dave.suri"
CHARLIE=5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y
EVE=5HGjWAeFDfFCWPsjFQdVV2Msvz2XtMktvgocEZcCj68kUMaw
say "//Charlie, an insurer, deposits into its escrow and withdraws part of it"
register_org charlie "$CHARLIE" insurer
before=$($CC --json escrow show --insurer "$CHARLIE" | grep -o '"balance": "[0-9]*"' | grep -o '[0-9]*')
$CC --suri-file "$WORK/charlie.suri" escrow deposit 500000
$CC --suri-file "$WORK/charlie.suri" escrow withdraw 120000
after=$($CC --json escrow show --insurer "$CHARLIE" | grep -o '"balance": "[0-9]*"' | grep -o '[0-9]*')
[ "$after" -eq $((before + 380000)) ] || { say "escrow: $before then $after, expected +380000"; exit 1; }
say "a manufacturer's deposit is refused (exit 1) and holds nothing"
set +e
out=$($CC --suri-file "$WORK/bob.suri" escrow deposit 10 2>&1); code=$?
set -e
[ $code -eq 1 ] && grep -q "MissingRole" <<<"$out" || { say "unexpected: $code $out"; exit 1; }
[ "$($CC --json escrow show --insurer "$BOB" | grep -o '"balance": "[0-9]*"' | grep -o '[0-9]*')" = 0 ]

say "//Eve, a provider, opens break-glass access for //Dave, a patient, then closes it"
register_org eve "$EVE" provider
set +e
$CC --suri-file "$WORK/dave.suri" patient-register --key "$(vault_public dave)" >/dev/null 2>&1
set -e
PATIENT=$($CC --suri-file "$WORK/dave.suri" --json whoami | grep -o '"patient": "[0-9a-f]*"' | grep -o '[0-9a-f]\{64\}')
[ -n "$PATIENT" ] || { say "//Dave has no patient id"; exit 1; }
$CC --suri-file "$WORK/eve.suri" --json emergency open --patient "$PATIENT" --reason threat-to-life | tee "$WORK/open.json"
SESSION=$(grep -o '"id": [0-9]*' "$WORK/open.json" | head -1 | grep -o '[0-9]*$')
say "a manufacturer cannot close session $SESSION (exit 1); the provider can"
set +e
out=$($CC --suri-file "$WORK/bob.suri" emergency close "$SESSION" 2>&1); code=$?
set -e
[ $code -eq 1 ] && grep -q "NotParty" <<<"$out" || { say "unexpected: $code $out"; exit 1; }
$CC --suri-file "$WORK/eve.suri" emergency close "$SESSION"
$CC --json emergency show "$SESSION" | grep -q '"status": "closed"'
if [ -n "${CARECHAIN_GATEWAY_URL:-}" ]; then
    printf '//Ferdie' > "$WORK/ferdie.suri"
    FERDIE=5CiPPseXPECbkjWCa6MnjNokrgYjMqmKndv2rSnekmSK2DjL
    register_org ferdie "$FERDIE" provider
    grant_as() { # patient grantee purpose signer-option... -> grant id (laboratory, until 2099)
        local patient=$1 grantee=$2 purpose=$3
        shift 3
        $CC "$@" --json grant --patient "$patient" --grantee "$grantee" --categories laboratory \
            --purposes "$purpose" --until 2099-01-01 | grep -o '"grant": [0-9]*' | grep -o '[0-9]*$'
    }
    grant() { grant_as "$PATIENT" "$1" treatment --suri-file "$WORK/dave.suri"; } # grantee -> grant id
    same() { [ "$(sha256sum < "$1")" = "$want" ]; } # file -> whether it is the document put
    get() { # suri-name vault-key-name out -> exit code
        set +e
        $CC --suri-file "$WORK/$1.suri" --json record get "$RECORD" --out "$3" \
            --vault-key-file "$KEYS/$2.vault-key" > "$WORK/get.json" 2>"$WORK/get.err"
        local code=$?
        set -e
        return $code
    }
    say "a record's life with the users' own vault keys: //Eve (hospital) puts a 10 MiB document for //Dave"
    grant "$EVE" >/dev/null
    head -c 10485760 /dev/urandom > "$WORK/scan.pdf"
    $CC --suri-file "$WORK/eve.suri" --json record put "$WORK/scan.pdf" --patient "$PATIENT" --category laboratory | tee "$WORK/put.json"
    RECORD=$(grep -o '"record": [0-9]*' "$WORK/put.json" | grep -o '[0-9]*$')
    want=$(sha256sum < "$WORK/scan.pdf")
    get eve eve "$WORK/a.pdf" && same "$WORK/a.pdf" || { say "//Eve's read: $(cat "$WORK/get.err")"; exit 1; }
    say "//Ferdie (clinic) is refused (exit 5) until //Dave grants it and shares the record's key"
    code=0; get ferdie ferdie "$WORK/b.pdf" || code=$?
    [ $code -eq 5 ] || { say "expected exit 5, got $code: $(cat "$WORK/get.json" "$WORK/get.err")"; exit 1; }
    GRANT=$(grant "$FERDIE")
    $CC --suri-file "$WORK/dave.suri" record share "$RECORD" --with "$FERDIE" --vault-key-file "$KEYS/dave.vault-key"
    get ferdie ferdie "$WORK/b.pdf" && same "$WORK/b.pdf" || { say "//Ferdie's read: $(cat "$WORK/get.err")"; exit 1; }
    say "//Dave reads his own record; then revokes //Ferdie, whose next read exits 5"
    get dave dave "$WORK/own.pdf" && same "$WORK/own.pdf" || { say "//Dave's read: $(cat "$WORK/get.err")"; exit 1; }
    $CC --suri-file "$WORK/dave.suri" revoke "$GRANT"
    code=0; get ferdie ferdie "$WORK/c.pdf" || code=$?
    [ $code -eq 5 ] && [ ! -e "$WORK/c.pdf" ] || { say "expected exit 5 and no file, got $code"; exit 1; }
    $CC --json record history "$RECORD" | grep -q '"version": 1'

    say "the acceptance story, every key from a keystore: hospital A, clinic B and a patient, each made, funded and registered"
    export CARECHAIN_KEYSTORE="$WORK/keystore"
    printf 'a long passphrase\n' > "$WORK/password"
    export CARECHAIN_PASSWORD_FILE="$WORK/password"
    field() { grep -o "\"$2\": \"[0-9A-Za-z]*\"" "$1" | head -1 | cut -d'"' -f4; }
    for who in hospital-a clinic-b patient-p; do
        $CC --json keys new "$who" > "$WORK/$who.json"
        $CC --suri-file "$WORK/deployer.suri" transfer --to "$(field "$WORK/$who.json" account)" 1000000000000000 >/dev/null
    done
    $CC keys list | grep -q "clinic-b"
    ! grep -rq "passphrase" "$WORK/keystore" || { say "the password is in the keystore"; exit 1; }
    HOSPITAL=$(field "$WORK/hospital-a.json" account); CLINIC=$(field "$WORK/clinic-b.json" account)
    for who in hospital-a clinic-b; do
        $CC --suri-file "$WORK/deployer.suri" org-register "$(field "$WORK/$who.json" account)" --roles provider \
            --credential-file "$WORK/licence.txt" --key "$(field "$WORK/$who.json" vaultPublicKey)" >/dev/null
    done
    P="$CC --identity patient-p"
    $P patient-register --key "$(field "$WORK/patient-p.json" vaultPublicKey)" >/dev/null
    PP=$($P --json whoami | grep -o '"patient": "[0-9a-f]*"' | grep -o '[0-9a-f]\{64\}')
    kgrant() { grant_as "$PP" "$1" treatment --identity patient-p; } # grantee -> grant id
    kget() { # identity out -> exit code (the answer in get.json, the reason in get.err)
        set +e
        $CC --identity "$1" --json record get "$R2" --out "$2" > "$WORK/get.json" 2>"$WORK/get.err"
        local code=$?
        set -e
        return $code
    }
    kgrant "$HOSPITAL" >/dev/null
    say "hospital A puts a 10 MiB PDF for the patient; the patient grants clinic B and shares it; B reads the same SHA-256"
    $CC --identity hospital-a --json record put "$WORK/scan.pdf" --patient "$PP" --category laboratory > "$WORK/put2.json"
    R2=$(grep -o '"record": [0-9]*' "$WORK/put2.json" | grep -o '[0-9]*$')
    GRANT_B=$(kgrant "$CLINIC")
    $P record share "$R2" --with "$CLINIC" >/dev/null
    kget clinic-b "$WORK/k1.pdf" && same "$WORK/k1.pdf" || { say "clinic B's read: $(cat "$WORK/get.err")"; exit 1; }
    say "the patient revokes B: B's next read exits 5 and writes nothing"
    $P revoke "$GRANT_B" >/dev/null
    code=0; kget clinic-b "$WORK/k2.pdf" || code=$?
    [ $code -eq 5 ] && [ ! -e "$WORK/k2.pdf" ] || { say "expected exit 5 and no file, got $code"; exit 1; }
    say "the patient's key changes (the node's clock cannot skip a recovery's day-long delay, so a rotation stands in: the patient reads with the new key only); the hospital re-wraps for it"
    $CC --json keys rotate patient-p > "$WORK/patient-p-2.json"
    $P rotate-key --patient "$PP" --key "$(field "$WORK/patient-p-2.json" vaultPublicKey)" >/dev/null
    code=0; kget patient-p "$WORK/k3.pdf" || code=$?
    [ $code -eq 5 ] && grep -q "the gateway refused" "$WORK/get.err" || { say "expected the gateway's refusal (exit 5), got $code: $(cat "$WORK/get.err")"; exit 1; }
    $CC --identity hospital-a record rewrap "$R2" --for patient >/dev/null
    kget patient-p "$WORK/k3.pdf" && same "$WORK/k3.pdf" || { say "the patient's read after the key change: $(cat "$WORK/get.err")"; exit 1; }
    say "hospital A rotates its own key, re-wraps from its former key, and still reads"
    $CC --json keys rotate hospital-a > "$WORK/hospital-a-2.json"
    $CC --identity hospital-a rotate-key --key "$(field "$WORK/hospital-a-2.json" vaultPublicKey)" >/dev/null
    code=0; kget hospital-a "$WORK/k4.pdf" || code=$?
    [ $code -eq 5 ] || { say "expected exit 5 before the re-wrap, got $code"; exit 1; }
    $CC --identity hospital-a record rewrap "$R2" --for me >/dev/null
    kget hospital-a "$WORK/k4.pdf" && same "$WORK/k4.pdf" || { say "hospital A's read after its rotation: $(cat "$WORK/get.err")"; exit 1; }
    $CC --identity hospital-a --json record get "$R2" --version 1 --out "$WORK/k5.pdf" >/dev/null && same "$WORK/k5.pdf"
    say "the insurer settles from the command line: the patient grants it payment, a policy, hospital A's claim on its record, check, adjudicate, settle; escrow show balances exactly"
    grant_as "$PP" "$CHARLIE" payment --identity patient-p >/dev/null
    TODAY=$(date -u +%F); NEXT_YEAR=$(date -u -d '+300 days' +%F)
    POLICY=$($CC --suri-file "$WORK/charlie.suri" --json policy-create --patient "$PP" --coverage laboratory \
        --start "$TODAY" --end "$NEXT_YEAR" --limit 5000000 --deductible 0 --coinsurance-bps 2000 | grep -o '"policy": [0-9]*' | grep -o '[0-9]*$')
    printf 'hospital-a and insurer shared key (e2e)' > "$WORK/claims.key"
    printf '[{"code": "80053", "date": "%s", "billed": 12000}]' "$TODAY" > "$WORK/lines.json"
    CLAIM=$($CC --identity hospital-a --json claim-submit --policy "$POLICY" --patient "$PP" --record "$R2" \
        --lines "$WORK/lines.json" --service-key-file "$WORK/claims.key" | grep -o '"claim": [0-9]*' | grep -o '[0-9]*$')
    [ -n "$CLAIM" ] || { say "the claim was not submitted"; exit 1; }
    $CC --suri-file "$WORK/charlie.suri" claim-check --claim "$CLAIM" --lines "$WORK/lines.json" --service-key-file "$WORK/claims.key" >/dev/null
    code=0; $CC --identity hospital-a adjudicate --claim "$CLAIM" --line approve:10000 >/dev/null 2>&1 || code=$?
    [ $code -eq 1 ] || { say "the claimant adjudicating its own claim: expected exit 1, got $code"; exit 1; }
    escrow() { $CC --json escrow show --insurer "$CHARLIE" | grep -o "\"$1\": \"[0-9]*\"" | grep -o '[0-9]*'; }
    before=$(escrow balance); committed_before=$(escrow committed)
    $CC --suri-file "$WORK/charlie.suri" adjudicate --claim "$CLAIM" --line approve:10000 >/dev/null
    PAID=$($CC --suri-file "$WORK/charlie.suri" --json settle "$CLAIM" | grep -o '"paid": "[0-9]*"' | grep -o '[0-9]*')
    # Allowed 100.00, no deductible, 20 % coinsurance: the plan pays 80.00.
    [ "$PAID" -eq 8000 ] || { say "settled $PAID, expected 8000"; exit 1; }
    [ "$(escrow balance)" -eq $((before - PAID)) ] && [ "$(escrow committed)" -eq "$committed_before" ] \
        || { say "escrow: balance $before -> $(escrow balance), committed $committed_before -> $(escrow committed), paid $PAID"; exit 1; }
    $CC --json claim "$CLAIM" | grep -q '"status": "Settled"' || { say "claim $CLAIM is not Settled: $($CC --json claim "$CLAIM")"; exit 1; }
    printf 'not it\n' > "$WORK/wrong"
    code=0; CARECHAIN_PASSWORD_FILE="$WORK/wrong" $CC --identity clinic-b record get "$R2" --out "$WORK/e.pdf" 2>/dev/null || code=$?
    [ $code -eq 4 ] && [ ! -e "$WORK/e.pdf" ] || { say "a wrong password: expected exit 4 and no file, got $code"; exit 1; }
    unset CARECHAIN_KEYSTORE CARECHAIN_PASSWORD_FILE
else
    say "skipped the record commands: no gateway (CARECHAIN_GATEWAY_URL; scripts/e2e.sh starts one)"
fi
say "audit chain"
$CC audit-verify
say "command line against $URL: passed"
