//! The client's storage mirrors against deployed contracts: after the main scenario (every
//! contract holds data), each contract's root cell decodes whole as its mirror, and every storage
//! path the client's views read is a field of that contract's layout (a renamed or removed field
//! fails here, not in a user's query).

use carechain_client::{scenario, storage, view, Contract, Ledger};
use carechain_tests::Suite;

/// `(contract, path)` for each `get(l, Contract, "path", ..)` in the views' source.
fn paths_read_by_views() -> Vec<(Contract, String)> {
    let source = include_str!("../../client/src/view.rs");
    let mut found = Vec::new();
    for part in source.split("get(l, ").skip(1) {
        let mut fields = part.splitn(3, ", ");
        let (Some(contract), Some(path)) = (fields.next(), fields.next()) else {
            continue;
        };
        let Some(path) = path.strip_prefix('"').and_then(|p| p.split('"').next()) else {
            continue;
        };
        let contract = match contract {
            "Registry" => vec![Contract::Registry],
            "Access" => vec![Contract::Access],
            "Consent" => vec![Contract::Consent],
            "AuditLog" => vec![Contract::AuditLog],
            "Provenance" => vec![Contract::Provenance],
            "Claims" => vec![Contract::Claims],
            "Credentials" => vec![Contract::Credentials],
            // `deferred.queue`: every contract that queues restriction entries.
            "contract" => vec![
                Contract::Consent,
                Contract::Provenance,
                Contract::Credentials,
            ],
            other => panic!("unexpected contract expression {other}"),
        };
        for c in contract {
            found.push((c, path.to_owned()));
        }
    }
    found
}

#[test]
fn the_mirrors_decode_and_the_views_read_fields_that_exist() {
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

    let paths = paths_read_by_views();
    assert!(paths.len() >= 24, "{}", paths.len());
    for (contract, path) in paths {
        let layout = &l.artifact(contract.name()).layout;
        assert!(
            layout.cells.contains_key(&path),
            "{}: the views read `{path}`, which its storage layout does not have",
            contract.name()
        );
    }
}
