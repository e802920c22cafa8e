//! Benchmarks on the in-process chain: weight (ref_time, proof_size) and storage deposit of every
//! message, the hot messages against a reference token's `transfer`, how the hot messages grow
//! with stored data, and code sizes. Weights are deterministic for the same code and state, so
//! these are measurements, not timings.

use crate::fixture::{catalogue, service_line, Case, Fixture, Who, GTIN};
use carechain_client::msg::{self, Kind};
use carechain_client::{bundles_dir, digest, Contract, Ledger};
use carechain_common::*;
use ink::primitives::AccountId;
use serde_json::{json, Value};

/// ref_time of one block on a 6 s chain (2 s of execution) and a fast 0.5 s budget, in picoseconds.
pub const BLOCK_REF_TIME_2S: u64 = 2_000_000_000_000;
pub const BLOCK_REF_TIME_HALF_S: u64 = 500_000_000_000;
/// Most `hot(10 000) / hot(10)` may be.
pub const MAX_SCALING_RATIO: f64 = 1.10;
/// pallet-contracts 31 (drink's runtime) charges this much ref_time per byte of a contract's code
/// on every call into it (`call_with_code_per_byte`); pallet-contracts 38 (polkadot-sdk
/// stable2409, substrate-contracts-node 0.42) charges 700.
pub const CODE_LOAD_PS_PER_BYTE_V31: u64 = 33_471;
pub const CODE_LOAD_PS_PER_BYTE_V38: u64 = 700;

/// The contracts each hot message runs code of, one entry per call into a contract.
pub fn hot_path(name: &str) -> &'static [Contract] {
    use Contract::*;
    match name {
        "audited check" | "record read" | "batched check (16 requests)" => &[Access, AuditLog],
        "custody transfer: ship" | "custody transfer: accept" => &[Provenance, Access],
        "verify a pack" => &[Provenance],
        "claim submit" => &[Claims, Access, AuditLog, AuditLog],
        "claim settle" => &[Claims, Access, AuditLog],
        _ => &[],
    }
}

#[derive(Clone, Debug)]
pub struct Cost {
    pub contract: Contract,
    pub message: String,
    pub kind: Kind,
    pub caller: Who,
    pub ref_time: u64,
    pub proof_size: u64,
    pub deposit: i128,
    pub succeeded: bool,
}

impl Cost {
    pub fn to_json(&self) -> Value {
        json!({
            "contract": self.contract.name(),
            "message": self.message,
            "kind": format!("{:?}", self.kind),
            "caller": self.caller.name(),
            "ref_time": self.ref_time,
            "proof_size": self.proof_size,
            "storage_deposit": self.deposit,
            "succeeded": self.succeeded,
        })
    }
}

fn measure(fixture: &mut Fixture, case: &Case) -> Cost {
    let caller = case.authorised[0];
    let report = fixture.run(case, caller);
    let succeeded =
        matches!(&report.output, Ok(bytes) if bytes.first() == Some(&0)) && !report.reverted;
    Cost {
        contract: case.contract(),
        message: case.label().to_owned(),
        kind: case.kind(),
        caller,
        ref_time: report.ref_time,
        proof_size: report.proof_size,
        deposit: report.deposit,
        succeeded,
    }
}

/// Every message of every contract, called once by an authorised caller on the fixture (the
/// calls only contracts may make are left out: no account is authorised for them).
pub fn every_message(fixture: &mut Fixture) -> Vec<Cost> {
    catalogue()
        .iter()
        .filter(|case| !case.authorised.is_empty())
        .map(|case| measure(fixture, case))
        .collect()
}

/// The hot paths, as (name, case) from the catalogue.
pub const HOT: [(&str, Contract, &str); 8] = [
    ("audited check", Contract::Access, "check_access"),
    (
        "batched check (16 requests)",
        Contract::Access,
        "check_access_batch",
    ),
    ("record read", Contract::Access, "access_record"),
    ("custody transfer: ship", Contract::Provenance, "ship"),
    ("custody transfer: accept", Contract::Provenance, "accept"),
    ("verify a pack", Contract::Provenance, "verify"),
    ("claim submit", Contract::Claims, "submit_claim"),
    ("claim settle", Contract::Claims, "settle"),
];

pub fn hot_costs(fixture: &mut Fixture) -> Vec<(&'static str, Cost)> {
    let cases = catalogue();
    HOT.iter()
        .map(|(name, contract, message)| {
            let case = cases
                .iter()
                .find(|c| c.contract() == *contract && c.label() == *message)
                .expect("hot case in the catalogue");
            (*name, measure(fixture, case))
        })
        .collect()
}

/// Put `n` more of everything the hot paths touch into storage: grants (and their audit
/// entries), record anchors, batches with a transfer each, and claims.
pub fn fill(fixture: &mut Fixture, n: u64) {
    let (patient, policy, record) = (fixture.patient, fixture.policy, fixture.record);
    let (p, prov, maker) = (
        fixture.at(Who::Patient),
        fixture.at(Who::Provider),
        fixture.at(Who::Manufacturer),
    );
    let distributor = fixture.at(Who::Distributor);
    let s = &mut fixture.suite;
    let now = s.now();
    let scope = GrantScope {
        categories: CategorySet::of(&[DataCategory::Genomics]),
        purposes: PurposeSet::of(&[Purpose::Research]),
        valid_from: now,
        valid_until: now + 365 * DAY_MS,
    };
    for i in 0..n {
        let tag = format!("fill-{i}");
        let somebody = AccountId::from(digest(tag.as_bytes()).0);
        s.set_actor(p);
        s.tx(
            msg::consent::CREATE_GRANT,
            (patient, Grantee::Account(somebody), scope, Effect::Deny),
        )
        .expect("fill grant");
        s.set_actor(prov);
        s.tx(
            msg::consent::ADD_RECORD,
            (
                patient,
                DataCategory::Laboratory,
                Purpose::Treatment,
                digest(tag.as_bytes()),
                EncryptedLocator(tag.as_bytes().to_vec()),
            ),
        )
        .expect("fill record");
        let outcome = s
            .tx(
                msg::claims::SUBMIT_CLAIM,
                (policy, patient, record, vec![service_line(&tag, 10)]),
            )
            .expect("fill claim");
        assert!(matches!(outcome, SubmitOutcome::Submitted(_)));
        s.set_actor(maker);
        let lot = LotNumber(format!("F{i}").into_bytes());
        let batch = s
            .tx(
                msg::provenance::REGISTER_BATCH,
                (
                    GTIN,
                    lot,
                    now + 300 * DAY_MS,
                    1u64,
                    10u64,
                    10u64,
                    digest(b"coa"),
                ),
            )
            .expect("fill batch");
        s.tx(
            msg::provenance::SHIP,
            (batch, distributor, 1u64, digest(b"doc")),
        )
        .expect("fill transfer");
    }
}

/// Deploy the reference token next to the suite and measure one `transfer`.
pub fn token_transfer(fixture: &mut Fixture) -> Cost {
    let admin = fixture.at(Who::Admin);
    let to = fixture.at(Who::Ordinary);
    let s = &mut fixture.suite;
    s.set_actor(admin);
    let token = s
        .instantiate_bundle("reference_token", "new", 1_000_000_000u128)
        .expect("deploy the reference token");
    // The first transfer to an account creates its balance entry; measure a steady-state one.
    s.call_at(token, "reference_token", "transfer", (to, 1u128), 0);
    let report = s.call_at(token, "reference_token", "transfer", (to, 1u128), 0);
    assert!(!report.reverted, "token transfer failed");
    Cost {
        contract: Contract::AuditLog,
        message: "reference_token.transfer".into(),
        kind: Kind::Write,
        caller: Who::Admin,
        ref_time: report.ref_time,
        proof_size: report.proof_size,
        deposit: report.deposit,
        succeeded: true,
    }
}

/// Optimized Wasm size of each contract (and the token), from the release bundles.
pub fn code_sizes() -> Vec<(String, u64)> {
    let mut names: Vec<String> = Contract::ALL.iter().map(|c| c.name().to_owned()).collect();
    names.push("reference_token".into());
    names
        .into_iter()
        .map(|name| {
            let path = bundles_dir().join(&name).join(format!("{name}.wasm"));
            let size = std::fs::metadata(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
                .len();
            (name, size)
        })
        .collect()
}
