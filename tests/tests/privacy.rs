//! Medical data never goes on chain, and call arguments and events are public too: over every
//! contract's metadata, no storage field, event field, message argument or return value is a
//! free-form string or a service category, no message takes a pack together with a patient id,
//! and every byte field is a digest, a pseudonymous id, a key, a bounded encrypted locator or a
//! GS1 lot number.

use carechain_sdk::Contract;
use carechain_tests::privacy::{check, Finding};
use serde_json::json;

#[test]
fn no_contract_stores_emits_or_takes_free_text_or_raw_bytes() {
    for contract in Contract::ALL {
        let metadata = carechain_sdk::Artifact::load(contract.name())
            .expect("bundle")
            .metadata;
        let findings = check(&metadata);
        assert!(findings.is_empty(), "{}: {findings:#?}", contract.name());
        // The walk really covered the contract: it saw storage, events and messages.
        assert!(metadata["spec"]["events"].as_array().unwrap().len() > 5);
        assert!(!metadata["spec"]["messages"].as_array().unwrap().is_empty());
    }
}

/// The checker finds what it is meant to find (so the test above can fail).
#[test]
fn the_checker_flags_strings_and_loose_bytes() {
    let metadata = json!({
        "types": [
            {"id": 0, "type": {"def": {"primitive": "str"}}},
            {"id": 1, "type": {"def": {"primitive": "u8"}}},
            {"id": 2, "type": {"def": {"sequence": {"type": 1}}}},
            {"id": 3, "type": {"def": {"composite": {"fields": [{"name": "note", "type": 0}]}}, "path": ["app", "Visit"]}},
            {"id": 4, "type": {"def": {"composite": {"fields": [{"type": 2}]}}, "path": ["carechain_common", "ids", "Digest"]}},
            {"id": 5, "type": {"def": {"array": {"len": 32, "type": 1}}}},
            {"id": 6, "type": {"def": {"variant": {"variants": [{"name": "Pharmacy", "index": 0}]}}, "path": ["carechain_common", "claims_types", "ServiceCategory"]}},
            {"id": 7, "type": {"def": {"composite": {"fields": [{"name": "0", "type": 4}]}}, "path": ["carechain_common", "ids", "PatientId"]}},
            {"id": 8, "type": {"def": {"composite": {"fields": [{"name": "batch", "type": 1}]}}, "path": ["carechain_common", "claims_types", "DrugRef"]}},
            {"id": 9, "type": {"def": {"composite": {"fields": [{"name": "service", "type": 6}, {"name": "drug", "type": 8}]}}, "path": ["carechain_common", "claims_types", "ClaimLine"]}}
        ],
        "storage": {"root": {"layout": {"struct": {"fields": [
            {"name": "visit", "layout": {"leaf": {"key": "0x0", "ty": 3}}},
            {"name": "hash", "layout": {"leaf": {"key": "0x0", "ty": 4}}},
            {"name": "digest", "layout": {"struct": {"name": "Digest", "fields": [
                {"name": "0", "layout": {"leaf": {"key": "0x0", "ty": 2}}}
            ]}}},
            {"name": "loose", "layout": {"leaf": {"key": "0x0", "ty": 5}}}
        ]}}}},
        "spec": {
            "events": [{"label": "Noted", "args": [{"label": "blob", "type": {"type": 2}}]}],
            "messages": [
                {"label": "note", "args": [{"label": "raw", "type": {"type": 5}}], "returnType": {"type": 4}},
                {"label": "submit", "args": [{"label": "patient", "type": {"type": 7}}, {"label": "line", "type": {"type": 9}}]},
                {"label": "issue", "args": [{"label": "dose", "type": {"type": 8}}]}
            ],
            "constructors": []
        }
    });
    let findings = check(&metadata);
    let places: Vec<&str> = findings
        .iter()
        .map(|f: &Finding| f.place.as_str())
        .collect();
    assert_eq!(findings.len(), 6, "{findings:#?}");
    // The claim line: its service category, and its pack beside the patient id (a pack alone,
    // as a credential's dose, is not flagged).
    assert!(findings
        .iter()
        .any(|f| f.place.starts_with("submit(line)") && f.what.contains("service category")));
    assert!(findings
        .iter()
        .any(|f| f.place == "submit(..)" && f.what.contains("medicine")));
    assert!(!places.iter().any(|p| p.starts_with("issue")));
    assert!(places.iter().any(|p| p.ends_with(".loose")));
    assert!(places.iter().any(|p| p.contains("Visit.note")));
    assert!(places.iter().any(|p| p.starts_with("event Noted.blob")));
    assert!(places.iter().any(|p| p.starts_with("note(raw)")));
}
