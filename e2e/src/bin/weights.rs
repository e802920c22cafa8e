//! The access-check hot path weighed on a running node (`scripts/bench.sh --url ws://...`), next
//! to the in-process numbers in docs/benchmarks.md: pallet-contracts in substrate-contracts-node
//! 0.42 is newer than drink's, and charges code loading differently.
//!
//! It deploys the reference token (with cargo-contract, as scripts/deploy.sh does), sets up a
//! provider, a patient and a grant on the deployed suite, and reports the ref_time, proof size and
//! deposit of the dry run of each call, its ratio to a token transfer, and how many audited checks
//! fit in a block's ref_time. Prints Markdown; `--json FILE` also writes the numbers.

use carechain_common::*;
use carechain_e2e::{deployments_dir, NodeLedger};
use carechain_tests::bench::{BLOCK_REF_TIME_2S, BLOCK_REF_TIME_HALF_S};
use carechain_tests::chain::bundles_dir;
use carechain_tests::{credential, digest, key_for, Artifact, CallReport, Contract, Ledger};
use ink::primitives::AccountId;
use scale::Encode;
use std::process::Command;

/// A parachain block's proof-of-validity budget.
const POV_LIMIT: u64 = 5 * 1024 * 1024;

fn fail(message: String) -> ! {
    eprintln!("[weights] {message}");
    std::process::exit(1);
}

/// Instantiate the reference token with cargo-contract; its address.
fn deploy_token(url: &str, suri: &str) -> AccountId {
    let bundle = bundles_dir().join("reference_token/reference_token.contract");
    let salt = format!("0x{}", hex::encode(rand::random::<[u8; 8]>()));
    let out = Command::new("cargo")
        .args(["contract", "instantiate"])
        .arg(&bundle)
        .args([
            "--constructor",
            "new",
            "--args",
            "1000000000",
            "--salt",
            &salt,
        ])
        .args(["--suri", suri, "--url", url, "-x", "-y", "--output-json"])
        .output()
        .unwrap_or_else(|e| fail(format!("cannot run cargo contract: {e}")));
    let text = String::from_utf8_lossy(&out.stdout);
    let json = text
        .find('{')
        .and_then(|i| serde_json::from_str::<serde_json::Value>(&text[i..]).ok())
        .unwrap_or_else(|| {
            fail(format!(
                "instantiating the reference token failed: {}{}",
                text,
                String::from_utf8_lossy(&out.stderr)
            ))
        });
    let address = json["contract"]
        .as_str()
        .or(json["contract_address"].as_str())
        .unwrap_or_else(|| fail(format!("no contract address in {json}")));
    let id: subxt::utils::AccountId32 = address
        .parse()
        .unwrap_or_else(|e| fail(format!("{address}: {e:?}")));
    AccountId::from(id.0)
}

fn succeeded(report: &CallReport, what: &str) {
    if report.reverted || report.output.is_err() {
        fail(format!("{what} did not succeed: {:?}", report.output));
    }
}

fn main() {
    let mut url = String::from("ws://127.0.0.1:9944");
    let mut json_out = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--url" => url = args.next().expect("--url needs a value"),
            "--json" => json_out = args.next(),
            other => fail(format!(
                "unknown argument {other}; usage: weights [--url ws://127.0.0.1:9944] [--json FILE]"
            )),
        }
    }
    let mut node = NodeLedger::connect(&url, &deployments_dir()).unwrap_or_else(|e| fail(e));
    let admin = node.admin();

    // The reference: a steady-state token transfer (the first one creates the balance entry).
    let token = deploy_token(&url, &node.manifest.deployer_suri.clone());
    let to = node.actor("token-recipient");
    node.set_actor(admin);
    let transfer = Artifact::load("reference_token").selector("transfer");
    let input = || [transfer.to_vec(), (to, 1u128).encode()].concat();
    succeeded(
        &node.submit_to(token, "transfer", input(), 0),
        "token transfer",
    );
    let token_report = node.submit_to(token, "transfer", input(), 0);
    succeeded(&token_report, "token transfer");

    // A provider, a patient and a grant for laboratory data for treatment.
    let hospital = node.actor("bench-hospital");
    node.tx::<()>(
        Contract::Registry,
        "register_organisation",
        (
            hospital,
            RoleSet::of(&[Role::Provider]),
            credential("bench-hospital"),
        ),
    )
    .unwrap_or_else(|e| fail(format!("register organisation: {e:?}")));
    let patient_account = node.actor("bench-patient");
    let patient = node.fresh_patient_id();
    node.set_actor(patient_account);
    node.tx::<u64>(
        Contract::Registry,
        "register_patient",
        (patient, key_for("bench-patient")),
    )
    .unwrap_or_else(|e| fail(format!("register patient: {e:?}")));
    let now = node.now();
    let scope = GrantScope {
        categories: CategorySet::of(&[DataCategory::Laboratory]),
        purposes: PurposeSet::of(&[Purpose::Treatment]),
        valid_from: now,
        valid_until: now.saturating_add(DAY_MS),
    };
    node.tx::<GrantId>(
        Contract::Consent,
        "create_grant",
        (patient, Grantee::Account(hospital), scope, Effect::Permit),
    )
    .unwrap_or_else(|e| fail(format!("create grant: {e:?}")));

    node.set_actor(hospital);
    let write = node
        .tx::<RecordWrite>(
            Contract::Consent,
            "add_record",
            (
                patient,
                DataCategory::Laboratory,
                Purpose::Treatment,
                digest(b"bench record"),
                EncryptedLocator(b"nonce|ciphertext|tag".to_vec()),
            ),
        )
        .unwrap_or_else(|e| fail(format!("add record: {e:?}")));
    let record = write
        .record
        .unwrap_or_else(|| fail("add record was denied".into()));

    let mut rows: Vec<(String, CallReport, u64)> = Vec::new();
    let check = node
        .tx::<Decision>(
            Contract::Consent,
            "check_access",
            (patient, DataCategory::Laboratory, Purpose::Treatment),
        )
        .unwrap_or_else(|e| fail(format!("check_access: {e:?}")));
    if !check.is_granted() {
        fail("check_access was not granted".into());
    }
    rows.push((
        "consent.check_access (granted, audited)".into(),
        node.last().cloned().expect("report"),
        1,
    ));
    let requests = vec![
        AccessRequest {
            category: DataCategory::Laboratory,
            purpose: Purpose::Treatment,
        };
        MAX_ACCESS_BATCH
    ];
    node.tx::<Vec<Decision>>(Contract::Consent, "check_access_batch", (patient, requests))
        .unwrap_or_else(|e| fail(format!("check_access_batch: {e:?}")));
    rows.push((
        format!("consent.check_access_batch ({MAX_ACCESS_BATCH} requests)"),
        node.last().cloned().expect("report"),
        MAX_ACCESS_BATCH as u64,
    ));
    node.tx::<RecordAccess>(
        Contract::Consent,
        "access_record",
        (record, Purpose::Treatment),
    )
    .unwrap_or_else(|e| fail(format!("access_record: {e:?}")));
    rows.push((
        "consent.access_record".into(),
        node.last().cloned().expect("report"),
        1,
    ));

    let token_ref = token_report.ref_time.max(1);
    println!("## On substrate-contracts-node 0.42 ({url})\n");
    println!("| call | ref_time | proof_size | deposit | × token transfer | audited checks per 2 s block | per 0.5 s block |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    println!(
        "| reference_token.transfer | {} | {} | {} | 1.00 | | |",
        token_report.ref_time, token_report.proof_size, token_report.deposit
    );
    let mut json_rows = Vec::new();
    for (name, report, checks) in &rows {
        let per_check = (report.ref_time / checks).max(1);
        let ratio = report.ref_time as f64 / token_ref as f64;
        println!(
            "| {name} | {} | {} | {} | {ratio:.2} | {} | {} |",
            report.ref_time,
            report.proof_size,
            report.deposit,
            BLOCK_REF_TIME_2S / per_check,
            BLOCK_REF_TIME_HALF_S / per_check,
        );
        json_rows.push(serde_json::json!({
            "call": name,
            "ref_time": report.ref_time,
            "proof_size": report.proof_size,
            "deposit": report.deposit.to_string(),
            "ratio_to_token_transfer": ratio,
            "checks_per_2s_block": BLOCK_REF_TIME_2S / per_check,
            "checks_per_half_second_block": BLOCK_REF_TIME_HALF_S / per_check,
        }));
    }
    println!(
        "\nref_time in picoseconds from each call's dry run on the node; deposit in the node's \
         smallest balance unit (its runtime's DepositPerByte / DepositPerItem). Checks per block \
         divide a block's whole ref_time by one check's (on paper: a real block also carries \
         other extrinsics).\n"
    );
    if let Some((name, report, checks)) = rows.iter().find(|(_, _, c)| *c > 1) {
        let per_check_proof = (report.proof_size / checks).max(1);
        println!(
            "proof_size: a solo chain such as this node does not bound it, but a parachain's block \
             carries at most {POV_LIMIT} bytes of proof (5 MiB). At {per_check_proof} bytes per \
             request in `{name}`, {} audited checks fit that budget: there proof size, not ref_time, \
             would bound throughput (the callees' code is part of every call's proof).",
            POV_LIMIT / per_check_proof
        );
    }
    if let Some(path) = json_out {
        let json = serde_json::json!({
            "node": "substrate-contracts-node 0.42.0",
            "token_transfer_ref_time": token_report.ref_time,
            "calls": json_rows,
        });
        std::fs::write(
            &path,
            serde_json::to_string_pretty(&json).expect("json") + "\n",
        )
        .unwrap_or_else(|e| fail(format!("{path}: {e}")));
    }
}
