//! The SDK's storage mirrors against deployed contracts: after the main scenario (every contract
//! holds data), each contract's root cell decodes whole as its mirror. (The typed table of every
//! mapping is checked against the metadata in `sdk/tests/storage_paths.rs`.)

use carechain_demo::scenario;
use carechain_sdk::{storage, view, ChainRead, ChainWrite, Contract};
use carechain_tests::Suite;

#[test]
fn the_root_mirrors_decode_whole_after_the_scenario() {
    let mut suite = Suite::deploy();
    scenario::run(&mut suite.chain);
    let l = &mut suite.chain;
    l.set_verbose(false);

    // Whole root cells decode (decode_all: nothing left over) and hold what the scenario did.
    let registry = view::registry_root(l);
    assert!(registry.registrations >= 1, "{registry:?}");
    let access = view::access_root(l);
    assert_eq!(access.relying, vec![l.address(Contract::Claims)]);
    let consent = view::consent_root(l);
    assert!(
        consent.grant_count >= 2 && consent.record_count >= 1,
        "{consent:?}"
    );
    let audit = view::audit_root(l);
    assert!(audit.count >= 17, "{audit:?}");
    assert_eq!(audit.writers.len(), 5);
    let provenance = view::provenance_root(l);
    assert!(provenance.batch_count >= 1, "{provenance:?}");
    let claims = view::claims_root(l);
    assert!(claims.claim_count >= 1, "{claims:?}");
    let credentials = view::credentials_root(l);
    assert!(credentials.credential_count >= 1, "{credentials:?}");
    for contract in Contract::ALL {
        let gov = storage::governance(l, contract);
        assert_eq!(gov.admin, l.admin(), "{}", contract.name());
        assert!(!gov.paused());
    }
}
