//! The main job runs end to end and tells the story it claims.

use carechain_client::scenario;
use carechain_tests::common::{ClaimStatus, Verdict};
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
    // grant, write, read, the researcher's denial, revoke, read, emergency start, emergency
    // read, emergency stop
    assert_eq!(summary.patient_trail_len, 9);
    assert!(summary.chain_verified >= summary.patient_trail_len);
}
