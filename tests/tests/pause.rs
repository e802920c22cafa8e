//! The pause matrix: every state-changing message of every contract (its authorised call from
//! the catalogue), with each contract of the suite paused in turn. Each message declares its pause
//! rule once (in the contract, `Governance::enter`, and in the client's message table); this test
//! holds them to it:
//!
//! - with its own contract paused, a restriction succeeds and anything else gets `Paused`;
//! - with another contract paused, a restriction still succeeds, and anything else either
//!   succeeds (it does not go through the paused contract) or is refused with an error that
//!   carries that `Paused` (`Downstream(callee, Refused(Paused))`);
//! - a refused call changes nothing and emits nothing.
//!
//! The same for "one callee refuses": with every writer removed from the audit log, each
//! restriction still succeeds (its entry is queued by the restricting contract).

use carechain_sdk::msg::{audit_log, Kind};
use carechain_sdk::{ChainRead, ChainWrite, Contract};
use carechain_tests::common::Error;
use carechain_tests::fixture::{catalogue, granted_flags, Case, Fixture, Who};
use scale::Decode;

fn answer(report: &carechain_sdk::CallReport) -> Result<Vec<u8>, Error> {
    let bytes = report
        .output
        .as_ref()
        .unwrap_or_else(|f| panic!("{}: trapped ({f:?})", report.message));
    assert_eq!(bytes[0], 0, "{}: LangError", report.message);
    match bytes[1] {
        0 => Ok(bytes[2..].to_vec()),
        _ => Err(Error::decode(&mut &bytes[2..]).expect("a typed error")),
    }
}

fn checked_cases() -> Vec<Case> {
    catalogue()
        .into_iter()
        .filter(|c| c.kind() != Kind::Read && !c.authorised.is_empty())
        .collect()
}

#[test]
fn every_message_keeps_its_pause_rule_with_each_contract_paused() {
    let mut fixture = Fixture::new();
    let cases = checked_cases();
    let mut checked = 0;
    for paused in Contract::ALL {
        for case in &cases {
            let who: Who = case.authorised[0];
            let what = format!("{} with {} paused", case.title(), paused.name());
            let (report, around) = fixture.run_observed(case, who, |f| f.pause(paused, true));
            match answer(&report) {
                Ok(bytes) => {
                    if case.contract() == paused {
                        assert!(
                            case.works_while_paused(),
                            "{what}: its own pause did not stop it"
                        );
                    }
                    if case.kind() == Kind::Decision {
                        assert!(
                            granted_flags(case, &bytes).iter().all(|g| *g),
                            "{what}: the authorised caller was denied"
                        );
                    }
                    assert!(!report.events.is_empty(), "{what}: no event");
                }
                Err(e) => {
                    assert!(
                        !case.is_restriction(),
                        "{what}: a restriction was blocked with {e:?}"
                    );
                    if case.contract() == paused {
                        assert!(!case.works_while_paused(), "{what}: refused with {e:?}");
                        assert_eq!(e, Error::Paused, "{what}");
                    } else {
                        assert!(
                            e.is_paused(),
                            "{what}: refused with {e:?}, not by the pause"
                        );
                    }
                    assert!(report.events.is_empty(), "{what}: a refused call emitted");
                    assert_eq!(around.before, around.after, "{what}: changed storage");
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 300, "{checked}");
}

#[test]
fn restrictions_go_through_when_the_log_refuses_every_writer() {
    let mut fixture = Fixture::new();
    let restrictions: Vec<Case> = checked_cases()
        .into_iter()
        // The log's own restriction (removing a writer) writes no entry; the rest must not
        // depend on the log.
        .filter(|c| c.is_restriction() && c.contract() != Contract::AuditLog)
        .collect();
    assert!(restrictions.len() >= 12, "{}", restrictions.len());
    // Every contract with a restriction is in the run, credentials included.
    for contract in [
        Contract::Registry,
        Contract::Access,
        Contract::Consent,
        Contract::Provenance,
        Contract::Credentials,
    ] {
        assert!(
            restrictions.iter().any(|c| c.contract() == contract),
            "no restriction of {}",
            contract.name()
        );
    }
    for case in &restrictions {
        let what = case.title();
        let (report, _) = fixture.run_observed(case, case.authorised[0], |f| {
            let admin = f.at(Who::Admin);
            f.suite.set_actor(admin);
            for writer in carechain_sdk::deploy::AUDIT_WRITERS {
                let address = f.suite.address(writer);
                f.suite
                    .tx(audit_log::REMOVE_WRITER, address)
                    .expect("remove writer");
            }
        });
        let outcome = answer(&report);
        assert!(
            outcome.is_ok(),
            "{what}: blocked by a log that refuses: {outcome:?}"
        );
    }
}
