//! End-to-end tests against a running node (scripts/e2e.sh starts one, deploys the suite with the
//! deployer and runs these). Ignored by a plain `cargo test`: there is no node there.
//! CONTRACTS_NODE_URL selects the node (default ws://127.0.0.1:9944).

use carechain_backend_node::{deployer_suri, deployments_dir, NodeLedger};
use carechain_common::events::audit::Appended;
use carechain_common::*;
use carechain_demo::scenario;
use carechain_sdk::deploy::{deploy_suite, organisation, patient, DeployOptions};
use carechain_sdk::msg::{access, registry};
use carechain_sdk::{audit, credential, key_for, storage, view, ChainRead, ChainWrite, Contract};

fn url() -> String {
    std::env::var("CONTRACTS_NODE_URL").unwrap_or_else(|_| "ws://127.0.0.1:9944".into())
}

fn connect() -> NodeLedger {
    NodeLedger::connect_deployed(&url(), &deployments_dir()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
#[ignore = "needs a running node: scripts/e2e.sh"]
fn node_metadata_is_current() {
    let node = NodeLedger::connect(&url(), &deployer_suri()).unwrap_or_else(|e| panic!("{e}"));
    let served = node.fetch_metadata().expect("the node's metadata");
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../backends/node/metadata/contracts-node.scale"
    );
    if std::env::var_os("UPDATE_METADATA").is_some() {
        std::fs::write(path, &served).unwrap();
    }
    let committed = std::fs::read(path).unwrap();
    assert!(
        served == committed,
        "node/metadata/contracts-node.scale is not the metadata the node serves: run \
         UPDATE_METADATA=1 scripts/e2e.sh and rebuild carechain-backend-node"
    );
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
    assert_eq!(summary.recalled_pack_verdict, Some(Verdict::Recalled));
    // Balances read from the chain: the hospital received exactly what was settled.
    assert_eq!(summary.settled_amount, 640);
    assert_eq!(summary.provider_received, 640);
    assert!(
        summary.duplicate_refused && summary.recalled_drug_refused && summary.no_consent_refused
    );
    assert_eq!(
        (summary.credential_verdict, summary.credential_after_recall),
        (
            Some(PresentationVerdict::Valid),
            Some(PresentationVerdict::LotRecalled)
        )
    );
    assert!(summary.offchain_agrees);
}

/// The scenario with the record vault, against the gateway scripts/e2e.sh runs as its own
/// process (CARECHAIN_GATEWAY_URL, its store in CARECHAIN_GATEWAY_STORE).
#[test]
#[ignore = "needs a node with the suite deployed and a gateway: scripts/e2e.sh"]
fn the_scenario_with_the_record_vault_runs_on_a_node() {
    use carechain_demo::VaultPlane;
    use carechain_sdk::gateway::GatewayClient;
    let base = std::env::var("CARECHAIN_GATEWAY_URL").expect("CARECHAIN_GATEWAY_URL");
    let store = std::env::var("CARECHAIN_GATEWAY_STORE").expect("CARECHAIN_GATEWAY_STORE");
    let id = carechain_sdk::gateway::protocol::DEFAULT_GATEWAY_ID.to_owned();
    let mut node = connect();
    let mut plane = VaultPlane::new(
        GatewayClient::new(&base, &id),
        Some(carechain_demo::plane::open_store(&store).unwrap()),
    );
    let summary = scenario::run_with(&mut node, Some(&mut plane));
    let vault = summary.vault.expect("the vault's part ran");
    assert!(vault.hospital_decrypted && vault.emergency_decrypted);
    assert!(vault.researcher_refusal.starts_with("403 not-granted"));
    assert!(vault.after_revoke_refusal.starts_with("403 revoked-since"));
    assert!(vault.tamper_detected.contains("is not the anchored"));
}

#[test]
#[ignore = "needs a running node with the suite deployed: scripts/e2e.sh"]
fn a_decision_is_logged_in_the_block_and_the_chain_verifies_from_node_storage() {
    let mut node = connect();
    let hospital = organisation(&mut node, "e2e-hospital", &[Role::Provider]);
    let (_, patient) = patient(&mut node, "e2e-patient");
    let before = view::audit_root(&mut node).count;
    node.set_actor(hospital);
    let decision = node
        .tx(
            access::CHECK_ACCESS,
            (patient, DataCategory::Laboratory, Purpose::Treatment),
        )
        .unwrap();
    assert_eq!(
        decision.outcome,
        AuditOutcome::Denied(DenyReason::NoConsent)
    );
    assert_eq!(decision.audit_seq, before);
    let appended = node.events::<Appended>();
    assert_eq!(appended.len(), 1, "the log's event came from the block");
    assert_eq!(appended[0].first, before);
    let verified = audit::verify_deployed(&mut node).expect("the chain verifies");
    assert!(verified > before);
}

#[test]
#[ignore = "needs a running node with the suite deployed: scripts/e2e.sh"]
fn refusals_on_a_node_are_typed_and_change_nothing() {
    let mut node = connect();
    let stranger = node.actor("e2e-stranger");
    node.set_actor(stranger);
    let count = view::audit_root(&mut node).count;
    let answer = node.tx(
        registry::REGISTER_ORGANISATION,
        (
            stranger,
            RoleSet::of(&[Role::Provider]),
            credential("x"),
            key_for("x"),
        ),
    );
    assert_eq!(answer, Err(Error::NotGovernor));
    assert_eq!(node.last().map(|r| r.events.len()), Some(0));
    assert_eq!(view::organisation(&mut node, stranger), None);
    assert_eq!(view::audit_root(&mut node).count, count);
}

/// The one deployment path deploys a second, independent suite on the same chain (fresh salt)
/// and the storage views see its wiring.
#[test]
#[ignore = "needs a running node: scripts/e2e.sh"]
fn the_client_deploys_and_wires_a_suite_on_a_node() {
    let mut node = NodeLedger::connect(&url(), &deployer_suri()).unwrap_or_else(|e| panic!("{e}"));
    let salt: [u8; 16] = rand::random();
    deploy_suite(&mut node, &DeployOptions::default(), &salt, &mut ()).expect("deployed");
    for contract in Contract::ALL {
        let address = node.address(contract);
        assert!(node.is_contract(&address), "{}", contract.name());
        let admin = node.admin();
        assert!(storage::is_governor(&mut node, contract, admin));
    }
    let access = view::access_root(&mut node);
    assert_eq!(
        access.writers,
        Some((
            node.address(Contract::Registry),
            node.address(Contract::Consent)
        ))
    );
    assert_eq!(access.relying, vec![node.address(Contract::Claims)]);
    let hospital = organisation(&mut node, "e2e-deploy-hospital", &[Role::Provider]);
    assert_eq!(
        view::effective_roles(&mut node, hospital),
        Some(RoleSet::of(&[Role::Provider])),
        "the registry wrote the access projection"
    );
}

/// Two users write at once, each through its own connection: every answer the chain assigns
/// (an audit sequence, a grant id) is the one its own included transaction got, read from that
/// transaction's events. Their dry runs race and predict the same numbers; the answers never
/// collide and each names its own caller's entry.
#[test]
#[ignore = "needs a running node with the suite deployed: scripts/e2e.sh"]
fn concurrent_writers_get_their_own_answers_from_their_blocks() {
    use carechain_sdk::msg::consent;
    use std::sync::{Arc, Barrier};
    const ROUNDS: usize = 3;
    let mut setup = connect();
    let salt: u32 = rand::random();
    let pairs: Vec<_> = (0..2)
        .map(|i| {
            let hospital = organisation(
                &mut setup,
                &format!("e2e-race-hospital-{salt}-{i}"),
                &[Role::Provider],
            );
            let (account, id) = patient(&mut setup, &format!("e2e-race-patient-{salt}-{i}"));
            (hospital, account, id)
        })
        .collect();
    let start = Arc::new(Barrier::new(pairs.len()));
    let workers: Vec<_> = pairs
        .into_iter()
        .map(|(hospital, account, id)| {
            let start = start.clone();
            let mut node = setup.second_connection().expect("a second connection");
            std::thread::spawn(move || {
                start.wait();
                let (mut seqs, mut grants) = (Vec::new(), Vec::new());
                for _ in 0..ROUNDS {
                    node.set_actor(hospital);
                    let decision = node
                        .tx(
                            access::CHECK_ACCESS,
                            (id, DataCategory::Laboratory, Purpose::Treatment),
                        )
                        .unwrap();
                    seqs.push(decision.audit_seq);
                    node.set_actor(account);
                    let now = node.now();
                    let scope = GrantScope {
                        categories: CategorySet::of(&[DataCategory::Imaging]),
                        purposes: PurposeSet::of(&[Purpose::Research]),
                        valid_from: now,
                        valid_until: now + 60_000,
                    };
                    let grant = node
                        .tx(
                            consent::CREATE_GRANT,
                            (id, Grantee::Account(hospital), scope, Effect::Deny),
                        )
                        .unwrap();
                    grants.push(grant);
                }
                for &seq in &seqs {
                    let entry = view::audit_entry(&mut node, seq).expect("the entry exists");
                    assert_eq!(
                        entry.record.actor, hospital,
                        "audit seq {seq} is this hospital's"
                    );
                    assert_eq!(entry.record.patient, Some(id));
                }
                for &grant in &grants {
                    let stored = view::grant(&mut node, grant).expect("the grant exists");
                    assert_eq!(stored.patient, id, "grant {grant} is this patient's");
                }
                (seqs, grants)
            })
        })
        .collect();
    let (mut seqs, mut grants) = (Vec::new(), Vec::new());
    for worker in workers {
        let (s, g) = worker.join().expect("a writer finished");
        seqs.extend(s);
        grants.extend(g);
    }
    let (n_seqs, n_grants) = (seqs.len(), grants.len());
    seqs.sort_unstable();
    seqs.dedup();
    grants.sort_unstable();
    grants.dedup();
    assert_eq!(
        (seqs.len(), grants.len()),
        (n_seqs, n_grants),
        "no two writers got one answer"
    );
}
