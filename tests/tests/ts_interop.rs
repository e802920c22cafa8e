//! The TypeScript client and the Rust crates speak the same formats, checked both ways through
//! committed fixtures in `sdk-ts/test/fixtures/`:
//! - `rust-vectors.json`: record blobs, wrapped keys and sealed locators made by the Rust vault
//!   (the TypeScript tests open them), and the demo actors' public keys;
//! - `ts-vectors.json`: the same made by the TypeScript vault (opened here);
//! - `audit-chain.json`: a real audit log's stored chunks (SCALE) with its head and count, which
//!   the TypeScript verifier decodes and recomputes independently;
//! - `facts-vectors.json` and `gs1-vectors.json`: every TypeScript copy of a Rust rule — grant
//!   status (with revocation, recovery epoch and window), the role list, GS1 element strings,
//!   the expiry rule and the LM / VRS response codes — with the Rust answers, which the
//!   TypeScript tests must give too (these fail here when the Rust side changes and the
//!   committed vectors were not regenerated).
//!
//! `UPDATE_FIXTURES=1 cargo test --test ts_interop` rewrites the Rust-made fixtures.

use carechain_demo::scenario;
use carechain_sdk::keys::{demo_secret, key_for};
use carechain_sdk::{view, ChainRead};
use carechain_tests::Suite;
use carechain_vault as vault;
use scale::Encode;
use serde_json::{json, Value};
use std::path::PathBuf;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../sdk-ts/test/fixtures")
}

fn update() -> bool {
    std::env::var_os("UPDATE_FIXTURES").is_some()
}

fn read(name: &str) -> Value {
    let path = fixtures().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (UPDATE_FIXTURES=1 cargo test --test ts_interop; cd sdk-ts && npm test)",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap()
}

fn bytes(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().unwrap().trim_start_matches("0x")).unwrap()
}

#[test]
fn rust_made_vectors_open_in_rust_and_are_committed_for_the_typescript_tests() {
    if update() {
        let mut cases = Vec::new();
        for (record, version, text) in [
            (7u64, 1u32, "haemoglobin 13.5 g/dL"),
            (u64::MAX - 3, 2, ""),
            (42, 9, "a longer note with unicode: µg/dL ✓"),
        ] {
            let (blob, key) = vault::seal(record, version, text.as_bytes()).unwrap();
            let wrapped =
                vault::wrap(&key, &demo_secret("alice").public(), record, version).unwrap();
            cases.push(json!({
                "record": record.to_string(),
                "version": version,
                "plaintext": text,
                "blob": hex::encode(&blob),
                "content_hash": hex::encode(vault::content_hash(&blob)),
                "wrapped_for_alice": hex::encode(wrapped),
            }));
        }
        let locator = vault::seal_locator(
            &demo_secret("alice").public(),
            "gateway=gw-1;object=records/7/blob",
        )
        .unwrap();
        let doc = json!({
            "demo_keys": {
                "alice": hex::encode(key_for("alice").0),
                "st-mary-hospital": hex::encode(key_for("st-mary-hospital").0),
            },
            "cases": cases,
            "locator_for_alice": {"sealed": hex::encode(locator), "text": "gateway=gw-1;object=records/7/blob"},
        });
        std::fs::create_dir_all(fixtures()).unwrap();
        std::fs::write(
            fixtures().join("rust-vectors.json"),
            serde_json::to_string_pretty(&doc).unwrap() + "\n",
        )
        .unwrap();
    }
    let doc = read("rust-vectors.json");
    let alice = demo_secret("alice");
    assert_eq!(doc["demo_keys"]["alice"], hex::encode(key_for("alice").0));
    for case in doc["cases"].as_array().unwrap() {
        let record: u64 = case["record"].as_str().unwrap().parse().unwrap();
        let version = case["version"].as_u64().unwrap() as u32;
        let key =
            vault::unwrap(&alice, &bytes(&case["wrapped_for_alice"]), record, version).unwrap();
        let anchored: [u8; 32] = bytes(&case["content_hash"]).try_into().unwrap();
        let plain =
            vault::open_anchored(&key, record, version, anchored, &bytes(&case["blob"])).unwrap();
        assert_eq!(
            plain.as_slice(),
            case["plaintext"].as_str().unwrap().as_bytes()
        );
    }
}

#[test]
fn typescript_made_vectors_open_in_rust() {
    let doc = read("ts-vectors.json");
    let cases = doc["cases"].as_array().unwrap();
    assert!(!cases.is_empty());
    for case in cases {
        let record: u64 = case["record"].as_str().unwrap().parse().unwrap();
        let version = case["version"].as_u64().unwrap() as u32;
        let recipient = case["recipient"].as_str().unwrap();
        let key = vault::unwrap(
            &demo_secret(recipient),
            &bytes(&case["wrapped"]),
            record,
            version,
        )
        .unwrap_or_else(|e| panic!("a TypeScript-wrapped key for {recipient}: {e}"));
        let anchored: [u8; 32] = bytes(&case["content_hash"]).try_into().unwrap();
        let plain =
            vault::open_anchored(&key, record, version, anchored, &bytes(&case["blob"])).unwrap();
        assert_eq!(
            plain.as_slice(),
            case["plaintext"].as_str().unwrap().as_bytes()
        );
    }
    let locator = &doc["locator"];
    assert_eq!(
        vault::open_locator(
            &demo_secret(locator["recipient"].as_str().unwrap()),
            &bytes(&locator["sealed"])
        )
        .unwrap(),
        locator["text"].as_str().unwrap()
    );
}

#[test]
fn a_real_audit_chain_is_committed_for_the_typescript_verifier() {
    if update() {
        let mut suite = Suite::deploy();
        scenario::run(&mut suite.chain);
        let l = &mut suite.chain;
        let root = view::audit_root(l);
        let mut chunks = Vec::new();
        let mut next = 0u64;
        while next < root.count {
            let chunk = view::audit_chunk(l, next).unwrap();
            next += chunk.len() as u64;
            chunks.push(
                json!({"first": next - chunk.len() as u64, "scale": hex::encode(chunk.encode())}),
            );
        }
        let doc = json!({
            "count": root.count.to_string(),
            "head": format!("0x{}", hex::encode(root.head.0)),
            "access": format!("0x{}", hex::encode(AsRef::<[u8; 32]>::as_ref(&l.address(carechain_sdk::Contract::Access)))),
            "chunks": chunks,
        });
        std::fs::write(
            fixtures().join("audit-chain.json"),
            serde_json::to_string_pretty(&doc).unwrap() + "\n",
        )
        .unwrap();
    }
    // The committed chain still verifies with the Rust verifier.
    let doc = read("audit-chain.json");
    let mut entries = Vec::new();
    for chunk in doc["chunks"].as_array().unwrap() {
        let decoded: Vec<carechain_sdk::common::AuditEntry> =
            scale::Decode::decode(&mut &bytes(&chunk["scale"])[..]).unwrap();
        entries.extend(decoded);
    }
    let head = carechain_sdk::common::Digest(bytes(&doc["head"]).try_into().unwrap());
    let count: u64 = doc["count"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        carechain_sdk::common::verify::verify_chain(&entries, head, count),
        Ok(())
    );
}

/// A Rust enum's variant names in index order, from its type information.
fn variant_names<T: scale_info::TypeInfo + 'static>() -> Vec<String> {
    let (registry, id) = carechain_sdk::shape::portable(&scale_info::MetaType::new::<T>());
    match &registry.resolve(id).expect("the type").type_def {
        scale_info::TypeDef::Variant(v) => {
            let mut variants: Vec<_> = v.variants.iter().collect();
            variants.sort_by_key(|v| v.index);
            variants.iter().map(|v| v.name.clone()).collect()
        }
        _ => panic!("not an enum"),
    }
}

/// Write `name` when updating, then return what is committed; the test fails when the
/// committed vectors are not what the Rust side makes now.
fn committed(name: &str, made: Value) -> Value {
    if update() {
        std::fs::write(
            fixtures().join(name),
            serde_json::to_string_pretty(&made).unwrap() + "\n",
        )
        .unwrap();
    }
    let doc = read(name);
    assert!(
        doc == made,
        "{name} is not what the Rust side makes now: UPDATE_FIXTURES=1 cargo test -p carechain-tests --test ts_interop"
    );
    doc
}

#[test]
fn grant_status_and_vocabulary_vectors_are_committed_for_the_typescript_tests() {
    use carechain_sdk::common::*;
    use carechain_sdk::facts::grant_status;
    let account = ink::primitives::AccountId::from([7; 32]);
    let base = Grant {
        id: 3,
        patient: PatientId([0x51; 32]),
        registration: 2,
        epoch: 1,
        grantee: Grantee::Account(account),
        scope: GrantScope {
            categories: CategorySet::of(&[DataCategory::Laboratory]),
            purposes: PurposeSet::of(&[Purpose::Treatment]),
            valid_from: 1_000,
            valid_until: 2_000,
        },
        effect: Effect::Permit,
        created_by: account,
        created_at: 900,
        revoked_at: None,
    };
    let patient = |registration: u64, epoch: u32| Patient {
        controller: account,
        key: EncryptionKey([1; 32]),
        registration,
        registered_at: 0,
        epoch,
        pending_controller: None,
        delegates: Vec::new(),
        guardians: Vec::new(),
        threshold: 0,
        custodian: None,
        refuses_break_glass: false,
    };
    let revoked = Grant {
        revoked_at: Some(1_500),
        ..base
    };
    let deny = Grant {
        grantee: Grantee::Anyone,
        effect: Effect::Deny,
        scope: GrantScope {
            valid_until: u64::MAX,
            ..base.scope
        },
        ..base
    };
    let cases: Vec<(&str, Grant, Option<Patient>, u64)> = vec![
        ("in its window", base, Some(patient(2, 1)), 1_500),
        ("at its first millisecond", base, Some(patient(2, 1)), 1_000),
        ("before its window", base, Some(patient(2, 1)), 999),
        (
            "at valid_until (exclusive)",
            base,
            Some(patient(2, 1)),
            2_000,
        ),
        (
            "revoked, in its window",
            revoked,
            Some(patient(2, 1)),
            1_500,
        ),
        (
            "revoked and of an earlier epoch",
            revoked,
            Some(patient(2, 2)),
            1_500,
        ),
        ("after a recovery", base, Some(patient(2, 2)), 1_500),
        ("the id re-registered", base, Some(patient(3, 1)), 1_500),
        ("the patient deregistered", base, None, 1_500),
        (
            "an open-ended deny rule",
            deny,
            Some(patient(2, 1)),
            u64::MAX - 1,
        ),
        (
            "a deny rule after a recovery",
            deny,
            Some(patient(2, 2)),
            1_500,
        ),
        (
            "a deny rule after a new registration",
            deny,
            Some(patient(3, 1)),
            1_500,
        ),
    ];
    let grant_status_vectors: Vec<Value> = cases
        .iter()
        .map(|(case, grant, patient, now)| {
            json!({
                "case": case,
                "grant": hex::encode(grant.encode()),
                "patient": patient.as_ref().map(|p| json!({"registration": p.registration.to_string(), "epoch": p.epoch})),
                "now": now.to_string(),
                "status": grant_status(grant, patient.as_ref(), *now).word(),
            })
        })
        .collect();
    let doc = committed(
        "facts-vectors.json",
        json!({
            "roles": Role::ALL.iter().map(|r| format!("{r:?}")).collect::<Vec<_>>(),
            "categories": variant_names::<DataCategory>(),
            "purposes": variant_names::<Purpose>(),
            "services": variant_names::<ServiceCategory>(),
            "grant_status": grant_status_vectors,
        }),
    );
    // Every word of the status appears, so the TypeScript copy is checked on each.
    let words: std::collections::BTreeSet<&str> = doc["grant_status"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["status"].as_str().unwrap())
        .collect();
    assert_eq!(words.len(), 5, "{words:?}");
}

#[test]
fn gs1_vectors_are_committed_for_the_typescript_tests() {
    use carechain_sdk::common::Verdict;
    use carechain_sdk::dates::date_of_expiry;
    use carechain_sdk::gs1::{expiry_matches, parse_element_string, response_code};
    const GS: char = '\u{1d}';
    let inputs = [
        "(01)10614141123459(21)400(10)LOT-7(17)271231".to_owned(),
        "(01)10614141123459(17)271231(10)LOT-7(21)400".to_owned(),
        " (01)10614141123459(21)0400(10)LOT-7 ".to_owned(),
        "(01)10614141123459(21)400(10)LOT-7(17)280200".to_owned(),
        format!("{GS}01106141411234591727123110LOT-7{GS}21400"),
        format!("]d2011061414112345921400{GS}10LOT-7"),
        format!("011061414112345910LOT-7{GS}2118446744073709551615"),
        "(01)10614141123458(21)400(10)LOT-7".to_owned(),
        "(01)10614141123459(10)LOT-7".to_owned(),
        "(01)10614141123459(21)400".to_owned(),
        "(01)10614141123459(21)AB12(10)LOT-7".to_owned(),
        "(01)10614141123459(21)400(10)LOT-7(17)271331".to_owned(),
        "(01)10614141123459(21)400(10)LOT-7(17)2712".to_owned(),
        "(01)1061414112345(21)400(10)LOT-7".to_owned(),
        "0110614141123459(99)x".to_owned(),
        format!("011061414112345999x{GS}21400"),
        "".to_owned(),
    ];
    let element_strings: Vec<Value> = inputs
        .iter()
        .map(|input| {
            let pack = parse_element_string(input).ok().map(|p| {
                json!({"gtin": format!("{:014}", p.gtin), "serial": p.serial.to_string(), "lot": p.lot, "expiry": p.expiry})
            });
            json!({"input": input, "pack": pack})
        })
        .collect();
    let expiry_dates: Vec<Value> = [
        1_830_297_600_000u64 + 86_400_000,
        1_767_225_600_000,
        86_400_000,
        0,
    ]
    .iter()
    .map(|ms| json!({"expiry_ms": ms.to_string(), "date": date_of_expiry(*ms)}))
    .collect();
    let dates = [None, Some("2027-12-31"), Some("2027-12-30")];
    let mut matches = Vec::new();
    for printed in dates {
        for on_chain in dates {
            matches.push(json!({"printed": printed, "on_chain": on_chain, "matches": expiry_matches(printed, on_chain)}));
        }
    }
    let mut codes = Vec::new();
    for name in variant_names::<Verdict>() {
        let verdict: Verdict = scale::Decode::decode(
            &mut &[variant_names::<Verdict>()
                .iter()
                .position(|n| *n == name)
                .unwrap() as u8][..],
        )
        .unwrap();
        for expiry in [true, false] {
            let (code, reason) = response_code(verdict, expiry);
            codes.push(
                json!({"verdict": name, "expiry_matches": expiry, "code": code, "reason": reason}),
            );
        }
    }
    let doc = committed(
        "gs1-vectors.json",
        json!({
            "element_strings": element_strings,
            "expiry_dates": expiry_dates,
            "expiry_matches": matches,
            "response_codes": codes,
        }),
    );
    let parsed = doc["element_strings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| !v["pack"].is_null())
        .count();
    assert!(
        parsed >= 5 && parsed < inputs.len(),
        "{parsed} of {} parse",
        inputs.len()
    );
}
