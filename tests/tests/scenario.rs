//! The main job runs end to end and tells the story it claims.

use carechain_demo::scenario;
use carechain_tests::common::{ClaimStatus, PresentationVerdict, Verdict};
use carechain_tests::Suite;

#[test]
fn the_main_scenario_runs() {
    let mut suite = Suite::deploy();
    let summary = scenario::run(&mut suite.chain);
    assert!(summary.hospital_read_granted);
    assert!(summary.researcher_denied);
    assert!(summary.denied_after_revoke);
    assert!(summary.emergency_granted);
    assert!(summary.counterfeit_caught);
    assert!(summary.duplicate_flagged);
    assert!(summary.shipping_stopped_by_recall);
    assert_eq!(summary.recalled_pack_verdict, Some(Verdict::Recalled));
    assert_eq!(summary.claim_status, Some(ClaimStatus::PartiallyApproved));
    // Lab line: allowed 1 000, deductible 200, 20 % of 800 = 160 co-insurance, plan pays 640.
    assert_eq!(summary.settled_amount, 640);
    assert_eq!(summary.provider_received, 640);
    assert!(summary.duplicate_refused);
    assert!(summary.recalled_drug_refused);
    assert!(summary.no_consent_refused);
    assert_eq!(summary.credential_verdict, Some(PresentationVerdict::Valid));
    assert_eq!(
        summary.credential_after_recall,
        Some(PresentationVerdict::LotRecalled)
    );
    assert!(summary.offchain_agrees);
    // grant, write, read, the researcher's denial, revoke, read, emergency start, emergency
    // read, emergency stop
    assert_eq!(summary.patient_trail_len, 9);
    assert!(summary.chain_verified >= summary.patient_trail_len);
}

/// The main job as `scripts/demo.sh` runs it: with the record vault, a gateway served over HTTP
/// on 127.0.0.1 from this process.
#[test]
fn the_main_scenario_runs_with_the_record_vault() {
    use carechain_demo::VaultPlane;
    use carechain_gateway::{open_store, spawn, Config, Gateway};
    use carechain_sdk::gateway::GatewayClient;
    use carechain_sdk::Shared;
    let suite = Suite::deploy();
    let mut chain = Shared::new(suite.chain);
    let dir = std::env::temp_dir().join(format!("carechain-scenario-vault-{}", std::process::id()));
    let store = open_store(&dir.display().to_string()).unwrap();
    let gateway = Gateway::new(Config::default(), chain.clone(), store.clone());
    let address = spawn(gateway, "127.0.0.1:0".parse().unwrap()).unwrap();
    let client = GatewayClient::new(&format!("http://{address}"), &Config::default().id);
    let mut plane = VaultPlane::new(client, Some(store));
    let summary = scenario::run_with(&mut chain, Some(&mut plane));
    let vault = summary.vault.expect("the vault's part ran");
    assert!(vault.hospital_decrypted && vault.emergency_decrypted);
    assert!(
        vault.researcher_refusal.starts_with("403 not-granted"),
        "{}",
        vault.researcher_refusal
    );
    assert!(
        vault.after_revoke_refusal.starts_with("403 revoked-since"),
        "{}",
        vault.after_revoke_refusal
    );
    assert!(
        vault.tamper_detected.contains("is not the anchored"),
        "{}",
        vault.tamper_detected
    );
    // The emergency read is in Alice's trail.
    assert!(summary.emergency_granted);
    assert!(summary.patient_trail_len >= 10);
    std::fs::remove_dir_all(dir).ok();
}
