//! End-to-end tests against a running node with the suite deployed (scripts/e2e.sh starts a node,
//! deploys and runs these). They are ignored by a plain `cargo test`: there is no node there.
//! CONTRACTS_NODE_URL selects the node (default ws://127.0.0.1:9944).

use carechain_common::*;
use carechain_e2e::{deployments_dir, NodeLedger};
use carechain_tests::{audit, scenario, Contract, Ledger};

fn connect() -> NodeLedger {
    let url = std::env::var("CONTRACTS_NODE_URL").unwrap_or_else(|_| "ws://127.0.0.1:9944".into());
    NodeLedger::connect(&url, &deployments_dir()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
#[ignore = "needs a running node with the suite deployed: scripts/e2e.sh"]
fn the_healthcare_scenario_runs_on_a_node() {
    let mut node = connect();
    let summary = scenario::run(&mut node);
    assert!(summary.hospital_read_granted);
    assert!(summary.researcher_denied);
    assert!(summary.denied_after_revoke);
    assert!(summary.emergency_granted);
    assert!(summary.counterfeit_caught && summary.duplicate_flagged);
    assert!(summary.shipping_stopped_by_recall);
    assert_eq!(summary.claim_status, Some(ClaimStatus::PartiallyApproved));
    // Balances read from the chain: the hospital received exactly what was settled.
    assert_eq!(summary.settled_amount, 640);
    assert_eq!(summary.provider_received, 640);
    assert!(
        summary.duplicate_refused && summary.recalled_drug_refused && summary.no_consent_refused
    );
}

#[test]
#[ignore = "needs a running node with the suite deployed: scripts/e2e.sh"]
fn the_audit_chain_verifies_from_the_nodes_storage() {
    let mut node = connect();
    // Append something of our own first, then recompute everything from genesis.
    let hospital = node.actor("e2e-hospital");
    let admin = node.admin();
    node.set_actor(admin);
    node.tx::<()>(
        Contract::Registry,
        "register_organisation",
        (
            hospital,
            RoleSet::of(&[Role::Provider]),
            carechain_tests::credential("e2e-hospital"),
        ),
    )
    .unwrap();
    let patient_account = node.actor("e2e-patient");
    let patient = node.fresh_patient_id();
    node.set_actor(patient_account);
    node.tx::<u64>(
        Contract::Registry,
        "register_patient",
        (patient, carechain_tests::key_for("e2e")),
    )
    .unwrap();
    node.set_actor(hospital);
    let before = node.query::<u64>(Contract::AuditLog, "count", ());
    let decision = node
        .tx::<Decision>(
            Contract::Consent,
            "check_access",
            (patient, DataCategory::Laboratory, Purpose::Treatment),
        )
        .unwrap();
    assert_eq!(
        decision.outcome,
        AuditOutcome::Denied(DenyReason::NoConsent)
    );
    assert_eq!(decision.audit_seq, before);
    let emitted = node.events::<carechain_common::events::consent::AccessDecided>();
    assert_eq!(emitted.len(), 1, "the decision event came from the block");
    let verified = audit::verify_deployed(&mut node).expect("the chain verifies");
    assert!(verified > before);
}

#[test]
#[ignore = "needs a running node with the suite deployed: scripts/e2e.sh"]
fn refusals_on_a_node_are_typed_and_change_nothing() {
    let mut node = connect();
    let stranger = node.actor("e2e-stranger");
    node.set_actor(stranger);
    let count = node.query::<u64>(Contract::AuditLog, "count", ());
    let answer = node.tx::<()>(
        Contract::Registry,
        "register_organisation",
        (
            stranger,
            RoleSet::of(&[Role::Provider]),
            carechain_tests::credential("x"),
        ),
    );
    assert_eq!(answer, Err(Error::NotGovernor));
    assert_eq!(
        node.query::<Option<Organisation>>(Contract::Registry, "organisation", stranger),
        None
    );
    assert_eq!(node.query::<u64>(Contract::AuditLog, "count", ()), count);
}
