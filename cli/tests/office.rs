//! The escrow and break-glass commands on the in-process chain: an insurer deposits, withdraws
//! and reads its escrow; a provider opens break-glass access, the wrong people are refused with
//! the contract's error (exit 1) and nothing changes, the provider closes it and a regulator
//! reviews it.

use carechain_backend_node::parse_ss58;
use carechain_cli::commands::{exit, run, Command, EmergencyCommand as E, EscrowCommand as X};
use carechain_common::*;
use carechain_sdk::{view, ChainRead, ChainWrite};
use carechain_tests::Suite;
use serde_json::Value;
use std::result::Result;

fn cmd(s: &mut Suite, c: Command) -> Result<(Value, i32), (i32, String)> {
    run(&mut s.chain, c, parse_ss58)
        .map(|o| (o.json, o.exit))
        .map_err(|e| (e.code, e.message))
}

fn refused(s: &mut Suite, c: Command, error: &str) {
    let count = view::audit_root(&mut s.chain).count;
    match cmd(s, c) {
        Err((code, message)) => {
            assert_eq!(code, exit::REFUSED, "{message}");
            assert!(message.contains(error), "{message} names {error}");
        }
        other => panic!("expected a refusal naming {error}, got {other:?}"),
    }
    assert_eq!(s.last().map(|r| r.events.len()), Some(0), "no event");
    assert_eq!(
        view::audit_root(&mut s.chain).count,
        count,
        "nothing logged"
    );
}

#[test]
fn an_insurer_deposits_withdraws_and_reads_its_escrow() {
    let mut s = Suite::deploy();
    let insurer = s.organisation("mutual", &[Role::Insurer]);
    let clinic = s.organisation("clinic", &[Role::Provider]);
    s.set_actor(insurer);
    let (out, code) = cmd(&mut s, Command::Escrow(X::Deposit { amount: 5_000 })).unwrap();
    assert_eq!(code, 0);
    assert_eq!(out["result"]["escrow"]["balance"], "5000", "{out}");
    let (out, _) = cmd(&mut s, Command::Escrow(X::Withdraw { amount: 1_200 })).unwrap();
    assert_eq!(out["result"]["escrow"]["available"], "3800", "{out}");
    assert_eq!(view::escrow(&mut s.chain, insurer).balance, 3_800);

    // More than the escrow holds: refused, the balance unchanged.
    refused(
        &mut s,
        Command::Escrow(X::Withdraw { amount: 3_801 }),
        "InsufficientEscrow",
    );
    assert_eq!(view::escrow(&mut s.chain, insurer).balance, 3_800);
    // A provider is not an insurer: its deposit is refused and holds nothing.
    s.set_actor(clinic);
    refused(
        &mut s,
        Command::Escrow(X::Deposit { amount: 10 }),
        "MissingRole",
    );
    assert_eq!(view::escrow(&mut s.chain, clinic).balance, 0);

    // Anyone reads an insurer's escrow by account.
    let (out, _) = cmd(
        &mut s,
        Command::Escrow(X::Show {
            insurer: Some(carechain_backend_node::ss58(&insurer)),
        }),
    )
    .unwrap();
    assert_eq!(
        (out["balance"].as_str(), out["committed"].as_str()),
        (Some("3800"), Some("0"))
    );
    let bad = cmd(
        &mut s,
        Command::Escrow(X::Show {
            insurer: Some("not-an-account".into()),
        }),
    );
    assert_eq!(bad.map_err(|e| e.0), Err(exit::USAGE));
}

#[test]
fn break_glass_opens_closes_and_is_reviewed_from_the_command_line() {
    let mut s = Suite::deploy();
    let er = s.organisation("er", &[Role::Provider]);
    let other = s.organisation("other-clinic", &[Role::Provider]);
    let regulator = s.organisation("regulator", &[Role::Regulator]);
    let insurer = s.organisation("insurer", &[Role::Insurer]);
    let (_, patient) = s.patient("pat");
    let patient_hex = hex::encode(patient.0);

    // Not a provider: refused, and the refusal is an audit entry (exit 5).
    s.set_actor(insurer);
    let before = view::audit_root(&mut s.chain).count;
    let open = |reason: &str| {
        Command::Emergency(E::Open {
            patient: patient_hex.clone(),
            reason: reason.into(),
        })
    };
    let (out, code) = cmd(&mut s, open("threat-to-life")).unwrap();
    assert_eq!(code, exit::NEGATIVE, "{out}");
    assert_eq!(out["auditEntry"], before);
    assert_eq!(
        view::patient_emergencies(&mut s.chain, patient, 0, 10)
            .items
            .len(),
        0
    );
    assert_eq!(
        cmd(&mut s, open("bored")).map_err(|e| e.0),
        Err(exit::USAGE)
    );

    s.set_actor(er);
    let (out, code) = cmd(&mut s, open("patient-unconscious")).unwrap();
    assert_eq!(code, 0);
    let id: EmergencyId = out["result"]["id"].as_u64().expect("an id");
    assert_eq!(out["result"]["status"], "open");
    assert_eq!(
        view::emergency(&mut s.chain, id).map(|e| e.provider),
        Some(er)
    );

    // Another provider cannot close it, a provider cannot review it.
    s.set_actor(other);
    refused(&mut s, Command::Emergency(E::Close { id }), "NotParty");
    let findings = std::env::temp_dir().join(format!("cc-findings-{}", std::process::id()));
    std::fs::write(&findings, "review: justified").unwrap();
    refused(
        &mut s,
        Command::Emergency(E::Review {
            id,
            findings: findings.clone(),
        }),
        "NotParty",
    );
    let now = s.now();
    assert!(view::emergency(&mut s.chain, id).unwrap().is_open(now));

    s.set_actor(er);
    cmd(&mut s, Command::Emergency(E::Close { id })).unwrap();
    s.set_actor(regulator);
    let (out, _) = cmd(
        &mut s,
        Command::Emergency(E::Review {
            id,
            findings: findings.clone(),
        }),
    )
    .unwrap();
    let digest = out["result"]["findings"].as_str().unwrap().to_owned();
    refused(
        &mut s,
        Command::Emergency(E::Review { id, findings }),
        "AlreadyReviewed",
    );

    let (list, _) = cmd(
        &mut s,
        Command::Emergency(E::List {
            patient: patient_hex.clone(),
        }),
    )
    .unwrap();
    let sessions = list.as_array().unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0]["status"], "closed");
    assert_eq!(sessions[0]["review"]["findings"], digest);
    let missing = cmd(&mut s, Command::Emergency(E::Show { id: id + 7 }));
    assert_eq!(missing.map_err(|e| e.0), Err(exit::NEGATIVE));
}

/// The binary asks for no signer for a command that only reads, and for one otherwise.
#[test]
fn reads_need_no_signer_and_writes_do() {
    use carechain_cli::commands::RecordCommand as R;
    let reads = [
        Command::Escrow(X::Show {
            insurer: Some("5F".into()),
        }),
        Command::Emergency(E::Show { id: 1 }),
        Command::Emergency(E::List {
            patient: "00".into(),
        }),
        Command::Record(R::History { id: 1 }),
    ];
    for c in reads {
        assert!(c.reads_only(), "{c:?}");
    }
    let writes = [
        Command::Escrow(X::Show { insurer: None }),
        Command::Escrow(X::Deposit { amount: 1 }),
        Command::Emergency(E::Close { id: 1 }),
    ];
    for c in writes {
        assert!(!c.reads_only(), "{c:?}");
    }
}
