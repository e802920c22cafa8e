//! The command line on the in-process chain: a DSCSA flow imported from EPCIS 2.0 documents
//! written to the standard, exported back, packs verified with LM / VRS codes, FHIR resources
//! and an X12 835 checked by independent parsers (Python `fhir.resources` R4B and `pyx12`,
//! installed by `scripts/pyenv.sh`).

use carechain_backend_node::{parse_ss58, ss58};
use carechain_cli::commands::{exit, run, Command, FhirCommand, Output, PackArgs};
use carechain_cli::epcis;
use carechain_common::*;
use carechain_demo::scenario;
use carechain_sdk::dates::{format_time, parse_date, DAY_MS};
use carechain_sdk::{view, ChainRead, ChainWrite};
use carechain_tests::suite::Suite;
use ink::primitives::AccountId;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::result::Result;

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("carechain-cli-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(name: &str, value: &Value) -> PathBuf {
    let path = dir().join(name);
    std::fs::write(&path, serde_json::to_string_pretty(value).unwrap()).unwrap();
    path
}

fn cmd<L: ChainWrite>(l: &mut L, command: Command) -> Result<Output, (i32, String)> {
    run(l, command, parse_ss58).map_err(|e| (e.code, e.message))
}

const GTIN: &str = "10614141123459"; // 0614141.112345
const SGTIN: &str = "urn:epc:id:sgtin:0614141.112345.";
const LGTIN: &str = "urn:epc:class:lgtin:0614141.112345.LOT-7";

struct Trade {
    s: Suite,
    maker: AccountId,
    wholesaler: AccountId,
    pharmacy_a: AccountId,
    pharmacy_b: AccountId,
    md: PathBuf,
}

fn trade() -> Trade {
    let mut s = Suite::deploy();
    let maker = s.organisation("acme-pharma", &[Role::Manufacturer]);
    let wholesaler = s.organisation("medsupply", &[Role::Distributor]);
    let pharmacy_a = s.organisation("corner-pharmacy", &[Role::Pharmacy]);
    let pharmacy_b = s.organisation("station-pharmacy", &[Role::Pharmacy]);
    let md = write(
        "master-data.json",
        &json!({"parties": [
            {"name": "Acme Pharma", "account": ss58(&maker), "ids": ["urn:epc:id:pgln:0614141.00000", "urn:epc:id:sgln:0614141.00001.0"]},
            {"name": "MedSupply", "account": ss58(&wholesaler), "ids": ["urn:epc:id:pgln:0700000.00000", "urn:epc:id:sgln:0700000.00001.0"]},
            {"name": "Corner Pharmacy", "account": ss58(&pharmacy_a), "ids": ["urn:epc:id:pgln:0800000.00000", "urn:epc:id:sgln:0800000.00001.0"]},
            {"name": "Station Pharmacy", "account": ss58(&pharmacy_b), "ids": ["urn:epc:id:pgln:0900000.00000", "urn:epc:id:sgln:0900000.00001.0"]},
        ]}),
    );
    Trade {
        s,
        maker,
        wholesaler,
        pharmacy_a,
        pharmacy_b,
        md,
    }
}

fn document(events: Vec<Value>) -> Value {
    json!({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-01-01T08:00:00.000Z",
        "epcisBody": {"eventList": events},
    })
}

fn packs(serials: std::ops::RangeInclusive<u64>) -> Vec<String> {
    serials.map(|s| format!("{SGTIN}{s}")).collect()
}

fn event(step: &str, action: &str, extra: Value) -> Value {
    let mut e = json!({
        "type": "ObjectEvent",
        "eventTime": "2026-01-01T09:00:00.000Z",
        "eventTimeZoneOffset": "+00:00",
        "action": action,
        "bizStep": step,
    });
    for (k, v) in extra.as_object().unwrap() {
        e[k] = v.clone();
    }
    e
}

fn party(kind: &str, key: &str, pgln: &str) -> Value {
    json!([{"type": kind, key: pgln}])
}

fn import(t: &mut Trade, name: &str, doc: Value) -> Result<Output, (i32, String)> {
    let path = write(name, &doc);
    let md = t.md.clone();
    cmd(
        &mut t.s.chain,
        Command::EpcisImport {
            document: path,
            master_data: md,
            dry_run: false,
        },
    )
}

fn verify(t: &mut Trade, serial: u64, lot: &str, expiry: &str) -> Value {
    let out = cmd(
        &mut t.s.chain,
        Command::VerifyPack(PackArgs {
            element_string: Some(format!("(01){GTIN}(21){serial}(10){lot}(17){expiry}")),
            gtin: None,
            serial: None,
            lot: None,
            expiry: None,
        }),
    )
    .unwrap();
    assert_eq!(out.exit == 0, out.json["responseCode"] == "VERIFIED");
    out.json
}

/// Manufacturer commissions and ships; the wholesaler receives and splits to two pharmacies;
/// the pharmacies receive; one dispenses, one destroys a damaged pack; the manufacturer recalls.
fn dscsa_flow(t: &mut Trade) {
    let manufacturer = document(vec![
        event(
            "urn:epcglobal:cbv:bizstep:commissioning",
            "ADD",
            json!({
                "eventID": "ni:///sha-256;commission-lot-7",
                "epcList": packs(1000..=1009),
                "disposition": "urn:epcglobal:cbv:disp:active",
                "readPoint": {"id": "urn:epc:id:sgln:0614141.00001.0"},
                "bizLocation": {"id": "urn:epc:id:sgln:0614141.00001.0"},
                "ilmd": {"cbvmda:lotNumber": "LOT-7", "cbvmda:itemExpirationDate": "2027-12-31"},
            }),
        ),
        event(
            "shipping",
            "OBSERVE",
            json!({
                "epcList": packs(1000..=1005),
                "disposition": "in_transit",
                "bizLocation": {"id": "urn:epc:id:sgln:0614141.00001.0"},
                "bizTransactionList": [{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:0700000000009:PO-4711"}],
                "sourceList": party("owning_party", "source", "urn:epc:id:pgln:0614141.00000"),
                "destinationList": party("owning_party", "destination", "urn:epc:id:pgln:0700000.00000"),
            }),
        ),
    ]);
    let out = import(t, "manufacturer.json", manufacturer).unwrap();
    assert_eq!(
        (out.exit, out.json["applied"].clone()),
        (0, json!(2)),
        "{:#}",
        out.json
    );

    let wholesaler = document(vec![
        event(
            "https://ref.gs1.org/cbv/BizStep-receiving",
            "OBSERVE",
            json!({
                "epcList": packs(1000..=1005).iter().map(|e| e.replace(SGTIN, &format!("https://id.gs1.org/01/{GTIN}/21/"))).collect::<Vec<_>>(),
                "bizLocation": {"id": "urn:epc:id:sgln:0700000.00001.0"},
                "sourceList": party("owning_party", "source", "urn:epc:id:pgln:0614141.00000"),
                "destinationList": party("owning_party", "destination", "urn:epc:id:pgln:0700000.00000"),
            }),
        ),
        event(
            "shipping",
            "OBSERVE",
            json!({
                "quantityList": [{"epcClass": LGTIN, "quantity": 3}],
                "sourceList": party("owning_party", "source", "urn:epc:id:pgln:0700000.00000"),
                "destinationList": party("owning_party", "destination", "urn:epc:id:pgln:0800000.00000"),
            }),
        ),
        event(
            "shipping",
            "OBSERVE",
            json!({
                "quantityList": [{"epcClass": format!("https://id.gs1.org/01/{GTIN}/10/LOT-7"), "quantity": 2}],
                "sourceList": party("owning_party", "source", "urn:epc:id:pgln:0700000.00000"),
                "destinationList": party("urn:epcglobal:cbv:sdt:owning_party", "destination", "urn:epc:id:pgln:0900000.00000"),
            }),
        ),
    ]);
    let out = import(t, "wholesaler.json", wholesaler).unwrap();
    assert_eq!(out.json["applied"], json!(3), "{:#}", out.json);

    let pharmacies = document(vec![
        event(
            "receiving",
            "OBSERVE",
            json!({
                "quantityList": [{"epcClass": LGTIN, "quantity": 3}],
                "bizLocation": {"id": "urn:epc:id:sgln:0800000.00001.0"},
                "sourceList": party("owning_party", "source", "urn:epc:id:pgln:0700000.00000"),
            }),
        ),
        event(
            "receiving",
            "OBSERVE",
            json!({
                "quantityList": [{"epcClass": LGTIN, "quantity": 2}],
                "destinationList": party("owning_party", "destination", "urn:epc:id:pgln:0900000.00000"),
            }),
        ),
        event(
            "dispensing",
            "OBSERVE",
            json!({
                "epcList": [format!("{SGTIN}1000")],
                "disposition": "dispensed",
                "bizLocation": {"id": "urn:epc:id:sgln:0800000.00001.0"},
            }),
        ),
        event(
            "destroying",
            "DELETE",
            json!({
                "epcList": [format!("{SGTIN}1004")],
                "disposition": "destroyed",
                "bizLocation": {"id": "urn:epc:id:sgln:0900000.00001.0"},
            }),
        ),
    ]);
    let out = import(t, "pharmacies.json", pharmacies).unwrap();
    assert_eq!(out.json["applied"], json!(4), "{:#}", out.json);
}

#[test]
fn a_dscsa_flow_imported_from_epcis_lands_on_chain_and_exports_back() {
    let mut t = trade();
    dscsa_flow(&mut t);
    let id = view::batch_id(
        &mut t.s.chain,
        Gtin(10_614_141_123_459),
        &LotNumber(b"LOT-7".to_vec()),
    )
    .unwrap();
    let batch = view::batch(&mut t.s.chain, id).unwrap();
    assert_eq!(
        (batch.serial_first, batch.serial_last, batch.quantity),
        (1000, 1009, 10)
    );
    assert_eq!(
        (
            batch.transfer_count,
            batch.in_transit,
            batch.dispensed,
            batch.destroyed
        ),
        (3, 0, 1, 1)
    );
    assert_eq!(batch.manufacturer, t.maker);
    assert_eq!(view::holding(&mut t.s.chain, id, t.maker), 4);
    assert_eq!(view::holding(&mut t.s.chain, id, t.wholesaler), 1);
    assert_eq!(view::holding(&mut t.s.chain, id, t.pharmacy_a), 2);
    assert_eq!(view::holding(&mut t.s.chain, id, t.pharmacy_b), 1);
    // The expiry date printed on the pack is the last day of use.
    assert_eq!(
        carechain_sdk::dates::date_of_expiry(batch.expiry),
        "2027-12-31"
    );

    // Recall (disposition recalled), then the export carries the whole history.
    let recall = document(vec![event(
        "holding",
        "OBSERVE",
        json!({
            "quantityList": [{"epcClass": LGTIN, "quantity": 10}],
            "disposition": "https://ref.gs1.org/cbv/Disp-recalled",
            "bizLocation": {"id": "urn:epc:id:sgln:0614141.00001.0"},
            "carechain:recallReason": "Contamination",
        }),
    )]);
    let out = import(&mut t, "recall.json", recall).unwrap();
    assert_eq!(out.exit, 0, "{:#}", out.json);
    assert_eq!(
        view::batch(&mut t.s.chain, id).unwrap().recall_reason,
        Some(RecallReason::Contamination)
    );

    let md = t.md.clone();
    let exported = cmd(
        &mut t.s.chain,
        Command::EpcisExport {
            batch: id,
            master_data: Some(md),
        },
    )
    .unwrap()
    .json;
    assert!(
        epcis::schema_errors(&exported).is_empty(),
        "{:?}",
        epcis::schema_errors(&exported)
    );
    let steps: Vec<(String, String)> = exported["epcisBody"]["eventList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["bizStep"].as_str().unwrap().to_owned(),
                e["disposition"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let count = |step: &str| steps.iter().filter(|(s, _)| s == step).count();
    assert_eq!(
        (
            count("commissioning"),
            count("shipping"),
            count("receiving"),
            count("dispensing"),
            count("destroying")
        ),
        (1, 3, 3, 1, 1),
        "{steps:?}"
    );
    assert_eq!(
        steps.last().unwrap(),
        &("holding".to_owned(), "recalled".to_owned())
    );
    let events = exported["epcisBody"]["eventList"].as_array().unwrap();
    let to_b = events
        .iter()
        .find(|e| {
            e["bizStep"] == "shipping"
                && e["destinationList"][0]["destination"] == "urn:epc:id:pgln:0900000.00000"
        })
        .unwrap();
    assert_eq!(
        to_b["sourceList"][0]["source"],
        "urn:epc:id:pgln:0700000.00000"
    );
    assert_eq!(to_b["quantityList"][0]["quantity"], 2);
    let dispensed = events
        .iter()
        .find(|e| e["bizStep"] == "dispensing")
        .unwrap();
    assert_eq!(
        dispensed["epcList"][0],
        format!("https://id.gs1.org/01/{GTIN}/21/1000")
    );
    // Parties are named by their first master-data id on export.
    assert_eq!(
        dispensed["bizLocation"]["id"],
        "urn:epc:id:pgln:0800000.00000"
    );

    // Round trip: the export, imported on a fresh chain with the same parties, rebuilds the
    // same custody state.
    let mut other = trade();
    let path = write("exported.json", &exported);
    let md = other.md.clone();
    let out = cmd(
        &mut other.s.chain,
        Command::EpcisImport {
            document: path,
            master_data: md,
            dry_run: false,
        },
    )
    .unwrap();
    assert_eq!(out.exit, 0, "{:#}", out.json);
    let copy = view::batch(&mut other.s.chain, 0).unwrap();
    let original = view::batch(&mut t.s.chain, id).unwrap();
    assert_eq!(
        (
            copy.gtin,
            &copy.lot,
            copy.expiry,
            copy.serial_first,
            copy.serial_last,
            copy.status,
            copy.recall_reason
        ),
        (
            original.gtin,
            &original.lot,
            original.expiry,
            original.serial_first,
            original.serial_last,
            original.status,
            original.recall_reason
        )
    );
    assert_eq!(
        (
            copy.transfer_count,
            copy.in_transit,
            copy.dispensed,
            copy.destroyed
        ),
        (
            original.transfer_count,
            original.in_transit,
            original.dispensed,
            original.destroyed
        )
    );
    for who in [
        other.maker,
        other.wholesaler,
        other.pharmacy_a,
        other.pharmacy_b,
    ] {
        assert_eq!(
            view::holding(&mut other.s.chain, 0, who),
            view::holding(&mut t.s.chain, id, who)
        );
    }

    let times: Vec<&str> = events
        .iter()
        .map(|e| e["eventTime"].as_str().unwrap())
        .collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted, "events in time order");
}

#[test]
fn a_document_that_fails_validation_or_mapping_changes_nothing() {
    let mut t = trade();
    let good_commission = event(
        "commissioning",
        "ADD",
        json!({
            "epcList": packs(1..=3),
            "bizLocation": {"id": "urn:epc:id:sgln:0614141.00001.0"},
            "ilmd": {"cbvmda:lotNumber": "LOT-9", "cbvmda:itemExpirationDate": "2027-06-30"},
        }),
    );
    let roots = t.s.chain.storage_roots();

    // Schema: the second event has no eventTimeZoneOffset and a malformed EPC.
    let mut bad = event(
        "shipping",
        "OBSERVE",
        json!({"epcList": ["urn:epc:id:sgtin:12"]}),
    );
    bad.as_object_mut().unwrap().remove("eventTimeZoneOffset");
    let (code, message) = import(
        &mut t,
        "bad-schema.json",
        document(vec![good_commission.clone(), bad]),
    )
    .unwrap_err();
    assert_eq!(code, exit::INVALID_DOCUMENT);
    assert!(
        message.contains("nothing applied") && message.contains("/epcisBody/eventList/1"),
        "{message}"
    );
    assert!(message.contains("eventTimeZoneOffset"), "{message}");

    // Mapping: valid EPCIS, but a location nobody registered, a wrong check digit, gaps.
    let unknown_place = event(
        "dispensing",
        "OBSERVE",
        json!({
        "epcList": [format!("{SGTIN}1")], "bizLocation": {"id": "urn:epc:id:sgln:0999999.00001.0"}}),
    );
    let wrong_check = event(
        "dispensing",
        "OBSERVE",
        json!({
        "epcList": [format!("https://id.gs1.org/01/10614141123458/21/1")],
        "bizLocation": {"id": "urn:epc:id:sgln:0800000.00001.0"}}),
    );
    let gap = event(
        "commissioning",
        "ADD",
        json!({
        "epcList": [format!("{SGTIN}1"), format!("{SGTIN}3")],
        "bizLocation": {"id": "urn:epc:id:sgln:0614141.00001.0"},
        "ilmd": {"cbvmda:lotNumber": "LOT-10", "cbvmda:itemExpirationDate": "2027-06-30"}}),
    );
    let (code, message) = import(
        &mut t,
        "bad-map.json",
        document(vec![
            good_commission.clone(),
            unknown_place,
            wrong_check,
            gap,
        ]),
    )
    .unwrap_err();
    assert_eq!(code, exit::INVALID_DOCUMENT);
    assert!(
        message.contains("event 1") && message.contains("not in the master data"),
        "{message}"
    );
    assert!(
        message.contains("event 2") && message.contains("check digit"),
        "{message}"
    );
    assert!(
        message.contains("event 3") && message.contains("not contiguous"),
        "{message}"
    );
    assert_eq!(
        t.s.chain.storage_roots(),
        roots,
        "a refused document changes nothing"
    );
    assert_eq!(view::provenance_root(&mut t.s.chain).batch_count, 0);

    // A document may only hold the signer's own events on a node: here every actor's key is
    // held, so the same check is shown with a party whose key nobody holds.
    let stranger = AccountId::from([7u8; 32]);
    let md = write(
        "stranger.json",
        &json!({"parties": [{"account": ss58(&stranger), "ids": ["urn:epc:id:sgln:0614141.00001.0"]}]}),
    );
    let path = write("own-events.json", &document(vec![good_commission]));
    let (code, message) = cmd(
        &mut t.s.chain,
        Command::EpcisImport {
            document: path,
            master_data: md,
            dry_run: false,
        },
    )
    .unwrap_err();
    assert_eq!(code, exit::INVALID_DOCUMENT);
    assert!(
        message.contains("whose key this signer does not hold"),
        "{message}"
    );
    assert_eq!(t.s.chain.storage_roots(), roots);
}

#[test]
fn a_refusal_stops_the_import_with_the_contracts_error_and_keeps_what_was_applied() {
    let mut t = trade();
    let doc = document(vec![
        event(
            "commissioning",
            "ADD",
            json!({
                "epcList": packs(1..=3),
                "bizLocation": {"id": "urn:epc:id:sgln:0614141.00001.0"},
                "ilmd": {"cbvmda:lotNumber": "LOT-7", "cbvmda:itemExpirationDate": "2027-06-30"},
            }),
        ),
        // Ships 5 packs of a batch of 3.
        event(
            "shipping",
            "OBSERVE",
            json!({
                "quantityList": [{"epcClass": LGTIN, "quantity": 5}],
                "sourceList": party("owning_party", "source", "urn:epc:id:pgln:0614141.00000"),
                "destinationList": party("owning_party", "destination", "urn:epc:id:pgln:0700000.00000"),
            }),
        ),
        event(
            "dispensing",
            "OBSERVE",
            json!({
            "epcList": [format!("{SGTIN}1")], "bizLocation": {"id": "urn:epc:id:sgln:0614141.00001.0"}}),
        ),
    ]);
    let out = import(&mut t, "over.json", doc).unwrap();
    assert_eq!(out.exit, exit::REFUSED);
    let report = out.json["report"].as_array().unwrap();
    assert_eq!(
        report.len(),
        2,
        "the import stops at the refusal: {report:#?}"
    );
    assert_eq!(report[0]["ok"], true);
    assert_eq!(report[1]["ok"], false);
    let error = report[1]["error"].as_str().unwrap();
    assert!(
        error.starts_with("InsufficientStock"),
        "the contract's error by name: {error}"
    );
    assert_eq!(view::provenance_root(&mut t.s.chain).batch_count, 1);
}

#[test]
fn packs_are_answered_with_one_lm_response_code() {
    let mut t = trade();
    dscsa_flow(&mut t);
    assert_eq!(
        verify(&mut t, 1001, "LOT-7", "271231")["responseCode"],
        "VERIFIED"
    );
    let wrong_expiry = verify(&mut t, 1001, "LOT-7", "271130");
    assert_eq!(wrong_expiry["responseCode"], "NO_MATCH");
    assert_eq!(
        wrong_expiry["data"]["verificationFailureReason"],
        "No_match_GTIN_Serial_Lot_Expiry"
    );
    assert_eq!(
        verify(&mut t, 5000, "LOT-7", "271231")["data"]["verificationFailureReason"],
        "No_match_GTIN_Serial"
    );
    assert_eq!(
        verify(&mut t, 1001, "LOT-8", "271231")["data"]["verificationFailureReason"],
        "No_match_GTIN_Serial_Lot"
    );
    let dispensed = verify(&mut t, 1000, "LOT-7", "271231");
    assert_eq!(
        (
            dispensed["responseCode"].as_str(),
            dispensed["carechain"]["verdict"].as_str()
        ),
        (Some("SUSPECT"), Some("Dispensed"))
    );

    // A recall overrides everything else: one verdict, "recalled".
    let id = view::batch_id(
        &mut t.s.chain,
        Gtin(10_614_141_123_459),
        &LotNumber(b"LOT-7".to_vec()),
    )
    .unwrap();
    t.s.set_actor(t.maker);
    let out = cmd(
        &mut t.s.chain,
        Command::Recall {
            batch: id,
            reason: "quality-defect".into(),
        },
    )
    .unwrap();
    assert_eq!(out.exit, 0);
    let recalled = verify(&mut t, 1001, "LOT-7", "271231");
    assert_eq!(
        (
            recalled["responseCode"].as_str(),
            recalled["data"]["verified"].as_bool()
        ),
        (Some("RECALLED"), Some(false))
    );
    assert_eq!(
        verify(&mut t, 1000, "LOT-7", "271231")["responseCode"],
        "RECALLED"
    );

    // Expired: a second lot past its expiry.
    let lot = document(vec![event(
        "commissioning",
        "ADD",
        json!({
            "epcList": packs(1..=2),
            "bizLocation": {"id": "urn:epc:id:sgln:0614141.00001.0"},
            "ilmd": {"cbvmda:lotNumber": "LOT-1", "cbvmda:itemExpirationDate": "2026-01-10"},
        }),
    )]);
    assert_eq!(import(&mut t, "lot-1.json", lot).unwrap().exit, 0);
    assert_eq!(
        verify(&mut t, 1, "LOT-1", "260110")["responseCode"],
        "VERIFIED"
    );
    t.s.advance(10 * DAY_MS);
    assert_eq!(
        verify(&mut t, 1, "LOT-1", "260110")["responseCode"],
        "EXPIRED"
    );
}

#[test]
fn wrong_callers_get_the_contracts_error_by_name_and_nothing_changes() {
    let mut t = trade();
    dscsa_flow(&mut t);
    let id = 0;
    let roots = t.s.chain.storage_roots();
    t.s.set_actor(t.pharmacy_a);
    let (code, message) = cmd(
        &mut t.s.chain,
        Command::Recall {
            batch: id,
            reason: "safety-issue".into(),
        },
    )
    .unwrap_err();
    assert_eq!(code, exit::REFUSED);
    assert!(
        message.starts_with("NotParty") || message.starts_with("MissingRole"),
        "{message}"
    );
    let (code, message) = cmd(
        &mut t.s.chain,
        Command::OrgSuspend {
            account: ss58(&t.maker),
        },
    )
    .unwrap_err();
    assert_eq!(code, exit::REFUSED);
    assert!(
        message.starts_with("NotGovernor") || message.starts_with("NotAdmin"),
        "{message}"
    );
    let (code, _) = cmd(
        &mut t.s.chain,
        Command::Recall {
            batch: id,
            reason: "no-such-reason".into(),
        },
    )
    .unwrap_err();
    assert_eq!(code, exit::USAGE);
    assert_eq!(t.s.chain.storage_roots(), roots);
}

#[test]
fn a_consents_fhir_period_ends_where_access_ends() {
    let mut s = Suite::deploy();
    let hospital = s.organisation("hospital", &[Role::Provider]);
    let (alice, patient) = s.patient("alice");
    let until = "2026-01-03";
    s.set_actor(alice);
    let out = cmd(
        &mut s.chain,
        Command::Grant(carechain_cli::commands::GrantArgs {
            patient: hex::encode(patient.0),
            grantee: ss58(&hospital),
            categories: "laboratory,conditions".into(),
            purposes: "treatment".into(),
            from: None,
            until: until.into(),
            deny: false,
        }),
    )
    .unwrap();
    let grant = out.json["result"]["grant"].as_u64().unwrap();
    let end = parse_date(until).unwrap();
    let fhir = cmd(
        &mut s.chain,
        Command::Fhir(FhirCommand::Consent {
            patient: hex::encode(patient.0),
        }),
    )
    .unwrap()
    .json;
    let consent_json = &fhir["entry"][0]["resource"];
    assert_eq!(consent_json["id"], format!("grant-{grant}"));
    assert_eq!(
        consent_json["provision"]["period"]["end"],
        format_time(end - 1)
    );
    assert_eq!(
        consent_json["provision"]["period"]["end"],
        "2026-01-02T23:59:59.999Z"
    );
    validate("fhir", "consent.json", &fhir);

    // The last millisecond FHIR calls valid is granted; the next is not.
    let check = |s: &mut Suite| {
        s.set_actor(hospital);
        cmd(
            &mut s.chain,
            Command::Check {
                patient: hex::encode(patient.0),
                category: "laboratory".into(),
                purpose: "treatment".into(),
            },
        )
    };
    let now = s.now();
    s.advance(end - 1 - now);
    assert_eq!(s.now(), end - 1);
    assert_eq!(check(&mut s).unwrap().exit, 0);
    s.advance(1);
    let denied = check(&mut s).unwrap();
    assert_eq!(denied.exit, exit::NEGATIVE, "{:#}", denied.json);
    // The grant is listed inactive once expired.
    let fhir = cmd(
        &mut s.chain,
        Command::Fhir(FhirCommand::Consent {
            patient: hex::encode(patient.0),
        }),
    )
    .unwrap()
    .json;
    assert_eq!(fhir["entry"][0]["resource"]["status"], "inactive");
}

/// `grants` lists each grant with where it stands (the SDK's one rule) and the deny rules that
/// limit an active permit; after the window closes the permit reads `expired`.
#[test]
fn the_grants_table_says_where_each_grant_stands() {
    let mut s = Suite::deploy();
    let hospital = s.organisation("hospital", &[Role::Provider]);
    let (alice, patient) = s.patient("alice");
    s.set_actor(alice);
    let grant = |s: &mut Suite, grantee: String, categories: &str, deny: bool| {
        cmd(
            &mut s.chain,
            Command::Grant(carechain_cli::commands::GrantArgs {
                patient: hex::encode(patient.0),
                grantee,
                categories: categories.into(),
                purposes: "treatment".into(),
                from: None,
                until: "2026-02-01".into(),
                deny,
            }),
        )
        .unwrap()
        .json["result"]["grant"]
            .as_u64()
            .unwrap()
    };
    let permit = grant(&mut s, ss58(&hospital), "laboratory,conditions", false);
    let deny = grant(&mut s, "anyone".into(), "laboratory", true);
    let list = |s: &mut Suite| {
        cmd(
            &mut s.chain,
            Command::Grants {
                patient: hex::encode(patient.0),
            },
        )
        .unwrap()
        .json
    };
    let rows = list(&mut s);
    let row = |rows: &Value, id: u64| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(row(&rows, permit)["status"], "active");
    assert_eq!(row(&rows, permit)["limited by deny"], json!([deny]));
    assert_eq!(row(&rows, deny)["status"], "active");
    assert!(row(&rows, deny).get("limited by deny").is_none());
    let now = s.now();
    s.advance(parse_date("2026-02-01").unwrap() - now);
    let rows = list(&mut s);
    assert_eq!(row(&rows, permit)["status"], "expired");
    assert!(row(&rows, permit).get("limited by deny").is_none());
}

/// A pharmacy claim from the command line: the lines come from a file and go on chain only as
/// keyed hashes (no code, date or pack in the call); the insurer's `claim-check` with the same
/// file and key verifies the service reference and the pack against provenance — and says no
/// for another pack, another key, or once the batch is recalled (exit 5).
#[test]
fn a_pharmacy_claim_goes_on_chain_as_keyed_hashes_and_the_insurer_checks_it() {
    use carechain_sdk::msg::{claims as c, consent, provenance as p};
    let mut s = Suite::deploy();
    let maker = s.organisation("maker", &[Role::Manufacturer]);
    let pharmacy = s.organisation("pharmacy", &[Role::Provider, Role::Pharmacy]);
    let insurer = s.organisation("insurer", &[Role::Insurer]);
    let (alice, patient) = s.patient("alice");
    let now = s.now();
    // A batch, shipped to the pharmacy, one pack dispensed to Alice.
    s.set_actor(maker);
    let gtin = Gtin(10_614_141_123_459);
    let batch = s
        .tx(
            p::REGISTER_BATCH,
            (
                gtin,
                LotNumber(b"PH-1".to_vec()),
                now + 300 * DAY_MS,
                1u64,
                10u64,
                10u64,
                carechain_sdk::digest(b"coa"),
            ),
        )
        .unwrap();
    let shipped = s
        .tx(
            p::SHIP,
            (batch, pharmacy, 10u64, carechain_sdk::digest(b"asn")),
        )
        .unwrap();
    s.set_actor(pharmacy);
    s.tx(p::ACCEPT, (batch, shipped)).unwrap();
    s.tx(p::DISPENSE, (batch, 4u64)).unwrap();
    // Alice's consent: treatment for the pharmacy's record, payment for the insurer.
    s.set_actor(alice);
    for (who, purpose) in [(pharmacy, Purpose::Treatment), (insurer, Purpose::Payment)] {
        let scope = GrantScope {
            categories: CategorySet::of(&[DataCategory::Medications]),
            purposes: PurposeSet::of(&[purpose]),
            valid_from: now,
            valid_until: now + 30 * DAY_MS,
        };
        s.tx(
            consent::CREATE_GRANT,
            (patient, Grantee::Account(who), scope, Effect::Permit),
        )
        .unwrap();
    }
    s.set_actor(pharmacy);
    let record_id = carechain_sdk::new_record_id(&mut s.chain);
    let record = s
        .tx(
            consent::ADD_RECORD,
            (
                record_id,
                patient,
                DataCategory::Medications,
                Purpose::Treatment,
                carechain_sdk::digest(b"dispensing record"),
                EncryptedLocator(b"locator".to_vec()),
            ),
        )
        .unwrap()
        .record
        .unwrap();
    s.set_actor(insurer);
    s.tx_with_value(c::DEPOSIT, (), 10_000).unwrap();
    let terms = PolicyTerms {
        coverage: CoverageSet::of(&[ServiceCategory::Pharmacy]),
        period_start: now,
        period_end: now + 300 * DAY_MS,
        annual_limit: 10_000,
        deductible: 0,
        coinsurance_bps: 0,
    };
    let policy = s.tx(c::CREATE_POLICY, (patient, terms)).unwrap();

    let key = write_bytes("claims.key", b"pharmacy-insurer shared key");
    let lines = |name: &str, serial: u64| {
        write(
            name,
            &json!([{"code": "00002-7510-01", "date": "2026-01-02", "billed": 4200, "batch": batch, "serial": serial}]),
        )
    };
    let sent = lines("lines.json", 4);
    s.set_actor(pharmacy);
    let out = cmd(
        &mut s.chain,
        Command::ClaimSubmit(carechain_cli::commands::ClaimArgs {
            policy,
            patient: hex::encode(patient.0),
            record,
            lines: sent.clone(),
            service_key_file: key.clone(),
        }),
    )
    .unwrap();
    let claim = out.json["result"]["claim"].as_u64().unwrap();
    // The call carried no code, date or pack: only keyed hashes.
    let stored = view::claim(&mut s.chain, claim).unwrap().lines[0];
    let shared = b"pharmacy-insurer shared key";
    assert_eq!(
        stored.pack,
        Some(carechain_sdk::claims::pack_commitment(shared, batch, 4))
    );
    assert_ne!(
        stored.service_ref,
        carechain_sdk::digest(b"00002-7510-01|2026-01-02")
    );

    s.set_actor(insurer);
    let check = |s: &mut Suite, lines: &PathBuf, key: &PathBuf| {
        cmd(
            &mut s.chain,
            Command::ClaimCheck {
                claim,
                lines: lines.clone(),
                service_key_file: key.clone(),
            },
        )
        .unwrap()
    };
    let good = check(&mut s, &sent, &key);
    assert_eq!(good.exit, 0, "{:#}", good.json);
    assert_eq!(good.json[0]["pack"], "Verified");
    assert_eq!(good.json[0]["service"], "matches");
    let other_pack = check(&mut s, &lines("other.json", 5), &key);
    assert_eq!(other_pack.exit, exit::NEGATIVE);
    assert_eq!(other_pack.json[0]["pack"], "CommitmentMismatch");
    let other_key = check(
        &mut s,
        &sent,
        &write_bytes("other.key", b"not the shared key"),
    );
    assert_eq!(other_key.exit, exit::NEGATIVE);
    assert_eq!(
        other_key.json[0]["service"],
        "differs from the claim on chain"
    );
    s.set_actor(maker);
    s.tx(p::RECALL, (batch, RecallReason::Contamination))
        .unwrap();
    s.set_actor(insurer);
    let recalled = check(&mut s, &sent, &key);
    assert_eq!(recalled.exit, exit::NEGATIVE);
    assert_eq!(recalled.json[0]["pack"], "BatchRecalled");
    assert_eq!(recalled.json[0]["deny"], "PackNotVerified (CARC 16)");
}

fn write_bytes(name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn validate(kind: &str, name: &str, value: &Value) {
    let path = dir().join(name);
    match value {
        Value::String(text) => std::fs::write(&path, text).unwrap(),
        other => std::fs::write(&path, serde_json::to_string_pretty(other).unwrap()).unwrap(),
    }
    let python = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/pyenv/bin/python");
    assert!(
        std::path::Path::new(python).exists(),
        "the independent checkers are missing: run scripts/pyenv.sh (scripts/test.sh does)"
    );
    let out = std::process::Command::new(python)
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/validate.py"))
        .arg(kind)
        .arg(&path)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && text.starts_with("OK"),
        "{kind} {name} refused by the checker:\n{text}"
    );
}

#[test]
fn claims_go_out_as_fhir_and_x12_835_that_independent_parsers_accept() {
    let mut s = Suite::deploy();
    let summary = scenario::run(&mut s.chain);
    assert_eq!(summary.claim_status, Some(ClaimStatus::PartiallyApproved));
    let count = view::claims_root(&mut s.chain).claim_count;
    let settled: Vec<Claim> = (0..count)
        .filter_map(|id| view::claim(&mut s.chain, id))
        .filter(|c| c.status == ClaimStatus::Settled)
        .collect();
    let claim = settled
        .first()
        .expect("the scenario settles a claim")
        .clone();

    let bundle = cmd(
        &mut s.chain,
        Command::Fhir(FhirCommand::Claim {
            id: claim.id,
            currency: "USD".into(),
        }),
    )
    .unwrap()
    .json;
    let kinds: Vec<&str> = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["resource"]["resourceType"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["Claim", "ClaimResponse", "ExplanationOfBenefit"]);
    let eob = &bundle["entry"][2]["resource"];
    assert_eq!(
        eob["payment"]["amount"]["value"],
        json!(summary.settled_amount as f64 / 100.0)
    );
    let denial =
        &bundle["entry"][1]["resource"]["item"][1]["adjudication"][1]["reason"]["coding"][0];
    assert_eq!(
        (denial["code"].as_str(), denial["display"].as_str()),
        (Some("50"), Some("NotMedicallyNecessary"))
    );
    validate("fhir", "claim.json", &bundle);

    let audit = cmd(
        &mut s.chain,
        Command::Fhir(FhirCommand::Audit {
            patient: None,
            limit: 40,
        }),
    )
    .unwrap()
    .json;
    let entries = audit["entry"].as_array().unwrap();
    assert!(
        entries.len() > 10
            && entries
                .iter()
                .all(|e| e["resource"]["resourceType"] == "AuditEvent")
    );
    validate("fhir", "audit.json", &audit);

    let parties = write(
        "parties.json",
        &json!({
            "payer_name": "CAREFIRST INSURANCE", "payer_id": "CAREFIRST", "payer_company_id": "1512345678",
            "payer_street": "1 INSURANCE WAY", "payer_city": "BALTIMORE", "payer_state": "MD", "payer_zip": "21201",
            "payer_phone": "4105550100", "payee_name": "ST MARYS HOSPITAL", "payee_id": "STMARYS", "payee_npi": "1234567893",
        }),
    );
    let out = cmd(
        &mut s.chain,
        Command::X12_835 {
            claims: vec![claim.id],
            parties: parties.clone(),
            control: 7,
        },
    )
    .unwrap();
    let text = out.json["x12"].as_str().unwrap().to_owned();
    // Deductible PR-1, co-insurance PR-2, the denied line with its CARC, the allowed cut CO-45.
    let (groups, paid) = carechain_cli::x12::adjustments(&claim).unwrap();
    assert_eq!(paid, summary.settled_amount);
    assert!(
        groups["PR"].contains_key(&1) && groups["PR"].contains_key(&2),
        "{groups:?}"
    );
    assert_eq!(groups["CO"].get(&50), Some(&claim.lines[1].billed));
    assert!(
        text.contains("*PR*1*") || text.contains("CAS*PR*1*"),
        "{text}"
    );
    assert!(
        text.contains("CAS*CO*45*") || text.contains("CAS*CO*"),
        "{text}"
    );
    assert!(text.contains(&format!("CLP*{}*1*", claim.id)), "{text}");
    validate("x12", "remit.835", &json!(text));

    // An 835 reports payments made: an unsettled claim is refused.
    let open: Vec<ClaimId> = (0..count)
        .filter(|id| {
            view::claim(&mut s.chain, *id).is_some_and(|c| c.status != ClaimStatus::Settled)
        })
        .collect();
    if let Some(id) = open.first() {
        let (code, message) = cmd(
            &mut s.chain,
            Command::X12_835 {
                claims: vec![*id],
                parties,
                control: 8,
            },
        )
        .unwrap_err();
        assert_eq!(code, exit::USAGE);
        assert!(message.contains("not settled"), "{message}");
    }
}
