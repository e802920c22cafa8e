//! The TypeScript client and the Rust crates speak the same formats, checked both ways through
//! committed fixtures in `clients/ts/test/fixtures/`:
//! - `rust-vectors.json`: record blobs, wrapped keys and sealed locators made by the Rust vault
//!   (the TypeScript tests open them), and the demo actors' public keys;
//! - `ts-vectors.json`: the same made by the TypeScript vault (opened here);
//! - `audit-chain.json`: a real audit log's stored chunks (SCALE) with its head and count, which
//!   the TypeScript verifier decodes and recomputes independently.
//!
//! `UPDATE_FIXTURES=1 cargo test --test ts_interop` rewrites the Rust-made fixtures.

use carechain_client::keys::{demo_secret, key_for};
use carechain_client::{scenario, view, Ledger};
use carechain_tests::Suite;
use carechain_vault as vault;
use scale::Encode;
use serde_json::{json, Value};
use std::path::PathBuf;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../clients/ts/test/fixtures")
}

fn update() -> bool {
    std::env::var_os("UPDATE_FIXTURES").is_some()
}

fn read(name: &str) -> Value {
    let path = fixtures().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (UPDATE_FIXTURES=1 cargo test --test ts_interop; cd clients/ts && npm test)",
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
            "access": format!("0x{}", hex::encode(AsRef::<[u8; 32]>::as_ref(&l.address(carechain_client::Contract::Access)))),
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
        let decoded: Vec<carechain_client::common::AuditEntry> =
            scale::Decode::decode(&mut &bytes(&chunk["scale"])[..]).unwrap();
        entries.extend(decoded);
    }
    let head = carechain_client::common::Digest(bytes(&doc["head"]).try_into().unwrap());
    let count: u64 = doc["count"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        carechain_client::common::verify::verify_chain(&entries, head, count),
        Ok(())
    );
}
