//! Benchmarks on the in-process chain: weight (ref_time, proof_size) and storage deposit of every
//! message on the fixture, and code sizes. The hot paths, their ratios to the reference token and
//! the scaling world are shared with the node benchmark (`crate::hot`). Weights are
//! deterministic for the same code and state, so these are measurements, not timings.

use carechain_sdk::msg::Kind;
use carechain_sdk::{bundles_dir, Contract};
use carechain_tests::fixture::{catalogue, Case, Fixture, Who};
use serde_json::{json, Value};

/// Most `hot(large) / hot(small)` may be.
pub const MAX_SCALING_RATIO: f64 = 1.10;
/// pallet-contracts 31 (the in-process runtime) charges this much ref_time per byte of a
/// contract's code on every call into it (`call_with_code_per_byte`); pallet-contracts in
/// substrate-contracts-node 0.42 charges 700 and puts the code in the proof instead.
pub const CODE_LOAD_PS_PER_BYTE_V31: u64 = 33_471;

#[derive(Clone, Debug)]
pub struct Cost {
    pub title: String,
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
            "message": self.title,
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
        title: case.title(),
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
