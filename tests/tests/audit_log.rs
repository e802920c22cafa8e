//! The audit log on the in-process chain: only writer contracts append, anyone reads from storage
//! and verifies, paging, each patient's trail, and tampering with any field of any entry is
//! detected.

use carechain_sdk::audit::{fetch_all, verify_deployed};
use carechain_sdk::fhir::audit_event;
use carechain_sdk::msg::{self, audit_log};
use carechain_sdk::Contract;
use carechain_tests::common::events::audit::*;
use carechain_tests::common::verify::{verify_chain, ChainError};
use carechain_tests::common::*;
use carechain_tests::doubles::{self, Mode};
use carechain_tests::{view, ChainWrite, Suite};
use ink::primitives::AccountId;

fn record(actor: AccountId, patient: Option<PatientId>, outcome: AuditOutcome) -> AuditRecord {
    AuditRecord {
        action: AuditAction::AccessCheck,
        actor,
        patient,
        subject: AuditSubject::Category(DataCategory::Imaging),
        purpose: Some(Purpose::Operations),
        outcome,
        initiator: None,
    }
}

/// A suite with a writer contract (the relay double, added by the admin).
fn with_writer() -> (Suite, AccountId) {
    let mut s = Suite::deploy();
    let writer = doubles::faulty(&mut s.chain, Mode::Refuse);
    let admin = s.admin();
    s.set_actor(admin);
    s.tx(audit_log::ADD_WRITER, writer).unwrap();
    let operator = s.actor("operator");
    s.set_actor(operator);
    (s, writer)
}

fn append(s: &mut Suite, writer: AccountId, record: AuditRecord) -> Result<u64> {
    doubles::relay(&mut s.chain, writer, audit_log::APPEND, vec![record]).expect("answered")
}

/// A suite whose log has `n` entries appended by a writer contract, alternating two patients.
fn log_with(n: u64) -> (Suite, AccountId, [PatientId; 2]) {
    let (mut s, writer) = with_writer();
    let patients = [PatientId([1; 32]), PatientId([2; 32])];
    let actor = s.actor("clinician");
    for i in 0..n {
        let outcome = if i % 3 == 0 {
            AuditOutcome::Denied(DenyReason::NoConsent)
        } else {
            AuditOutcome::Granted(AccessBasis::Consent(i))
        };
        let seq = append(
            &mut s,
            writer,
            record(actor, Some(patients[(i % 2) as usize]), outcome),
        )
        .unwrap();
        assert_eq!(seq, i);
        if i % 10 == 9 {
            s.advance(6_000);
        }
    }
    (s, writer, patients)
}

#[test]
fn only_writer_contracts_append() {
    let mut s = Suite::deploy();
    let admin = s.admin();
    let writer = doubles::faulty(&mut s.chain, Mode::Refuse);
    let stranger = s.actor("stranger");
    let rec = record(stranger, None, AuditOutcome::Success);

    s.set_actor(stranger);
    s.assert_refused(audit_log::APPEND, vec![rec], Error::NotWriter);
    s.assert_refused(audit_log::ADD_WRITER, writer, Error::NotGovernor);
    s.set_actor(admin);
    s.assert_refused(
        audit_log::ADD_WRITER,
        AccountId::from([0; 32]),
        Error::ZeroAccount,
    );
    // Finding: "any governor can make a plain account an audit-log writer and append forged
    // RecordRead/Granted entries". Writers are contracts.
    s.assert_refused(audit_log::ADD_WRITER, stranger, Error::NotAContract);
    s.assert_refused(audit_log::REMOVE_WRITER, writer, Error::WriterNotFound);
    s.tx(audit_log::ADD_WRITER, writer).unwrap();
    assert_eq!(s.events::<WriterAdded>()[0].writer, writer);
    s.assert_refused(audit_log::ADD_WRITER, writer, Error::WriterExists);
    assert!(view::audit_root(&mut s.chain).writers.contains(&writer));

    s.set_actor(stranger);
    assert_eq!(
        append(
            &mut s,
            writer,
            record(AccountId::from([0; 32]), None, AuditOutcome::Success)
        ),
        Err(Error::ZeroAccount)
    );
    assert_eq!(append(&mut s, writer, rec), Ok(0));
    let appended = &s.events::<Appended>()[0];
    assert_eq!(
        (appended.writer, appended.first, appended.records.clone()),
        (writer, 0, vec![rec])
    );
    assert_eq!(appended.head, view::audit_root(&mut s.chain).head);
    assert_eq!(view::audit_entry(&mut s.chain, 0).unwrap().writer, writer);

    s.set_actor(stranger);
    s.assert_refused(audit_log::REMOVE_WRITER, writer, Error::NotGovernor);
    s.set_actor(admin);
    s.tx(audit_log::REMOVE_WRITER, writer).unwrap();
    assert_eq!(s.events::<WriterRemoved>()[0].writer, writer);
    assert_eq!(append(&mut s, writer, rec), Err(Error::NotWriter));
    // Its entry stays.
    assert_eq!(view::audit_root(&mut s.chain).count, 1);

    s.set_actor(admin);
    s.tx(audit_log::ADD_WRITER, writer).unwrap();
    s.tx(msg::govern(Contract::AuditLog), GovAction::SetPaused(true))
        .unwrap();
    assert_eq!(append(&mut s, writer, rec), Err(Error::Paused));
    // A writer can be removed while paused (a compromised one, in an incident); adding waits.
    s.set_actor(admin);
    s.tx(audit_log::REMOVE_WRITER, writer).unwrap();
    assert!(!view::audit_root(&mut s.chain).writers.contains(&writer));
    s.assert_refused(audit_log::ADD_WRITER, writer, Error::Paused);
}

#[test]
fn entries_page_and_chain_from_genesis() {
    let (mut s, writer, patients) = log_with(75);
    assert_eq!(view::audit_root(&mut s.chain).count, 75);
    let first = view::audit_entry(&mut s.chain, 0).unwrap();
    assert_eq!(first.prev_hash, Digest::ZERO);
    assert_eq!(first.writer, writer);
    // Pages are clamped to MAX_PAGE and stop at the end.
    assert_eq!(
        view::audit_entries(&mut s.chain, 0, 1000).len(),
        MAX_PAGE as usize
    );
    assert_eq!(view::audit_entries(&mut s.chain, 70, 10).len(), 5);
    assert!(view::audit_entries(&mut s.chain, 75, 10).is_empty());
    assert_eq!(view::audit_entry(&mut s.chain, 75), None);

    let all = fetch_all(&mut s.chain);
    assert_eq!(all.len(), 75);
    for pair in all.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash);
        assert!(pair[1].recorded_at >= pair[0].recorded_at);
    }
    assert_eq!(verify_deployed(&mut s.chain), Ok(75));

    // Each patient's trail pages backwards through that patient's entries only.
    let trail = view::patient_trail(&mut s.chain, patients[1], 32, 0);
    assert_eq!(trail.total, 37);
    assert_eq!(
        trail.items.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![9, 7, 5, 3, 1]
    );
    assert!(trail
        .items
        .iter()
        .all(|e| e.record.patient == Some(patients[1])));
    let newest = view::patient_trail(&mut s.chain, patients[0], 0, 3);
    assert_eq!(
        newest.items.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![74, 72, 70]
    );
    assert_eq!(
        view::patient_trail(&mut s.chain, PatientId([9; 32]), 0, 0).total,
        0
    );

    // Every entry maps to a FHIR AuditEvent.
    let fhir = audit_event(&all[0]);
    assert_eq!(fhir["resourceType"], "AuditEvent");
    assert_eq!(fhir["outcome"], "4");
    assert_eq!(fhir["purposeOfEvent"][0]["coding"][0]["code"], "HOPERAT");
}

#[test]
fn tampering_with_any_field_is_detected() {
    let (mut s, _, _) = log_with(12);
    let entries = fetch_all(&mut s.chain);
    let root = view::audit_root(&mut s.chain);
    let (head, count) = (root.head, root.count);
    assert_eq!(verify_chain(&entries, head, count), Ok(()));

    let other = AccountId::from([0xee; 32]);
    type Tamper = fn(&mut AuditEntry, AccountId);
    let tampers: Vec<(&str, Tamper)> = vec![
        ("seq", |e, _| e.seq += 1),
        ("writer", |e, a| e.writer = a),
        ("action", |e, _| e.record.action = AuditAction::RecordRead),
        ("actor", |e, a| e.record.actor = a),
        ("patient", |e, _| {
            e.record.patient = Some(PatientId([3; 32]))
        }),
        ("patient removed", |e, _| e.record.patient = None),
        ("subject", |e, _| {
            e.record.subject = AuditSubject::Category(DataCategory::Genomics)
        }),
        ("purpose", |e, _| e.record.purpose = Some(Purpose::Research)),
        ("outcome", |e, _| {
            e.record.outcome = AuditOutcome::Granted(AccessBasis::PatientSide)
        }),
        ("initiator", |e, a| e.record.initiator = Some(a)),
        ("block", |e, _| e.block += 1),
        ("recorded_at", |e, _| e.recorded_at -= 1),
        ("prev_hash", |e, _| e.prev_hash.0[0] ^= 1),
        ("hash", |e, _| e.hash.0[31] ^= 1),
    ];
    for index in [0usize, 5, 11] {
        for (field, tamper) in &tampers {
            let mut copy = entries.clone();
            tamper(&mut copy[index], other);
            assert!(
                verify_chain(&copy, head, count).is_err(),
                "changing {field} of entry {index} went unnoticed"
            );
        }
    }
    // A recomputed hash does not help: the next entry's link (or the stored head) breaks.
    let mut forged = entries.clone();
    forged[5].record.outcome = AuditOutcome::Success;
    forged[5].hash = carechain_tests::common::verify::entry_hash(&forged[5]);
    assert_eq!(
        verify_chain(&forged, head, count),
        Err(ChainError::BrokenLink { seq: 6 })
    );
    let mut forged_tail = entries.clone();
    forged_tail[11].record.outcome = AuditOutcome::Success;
    forged_tail[11].hash = carechain_tests::common::verify::entry_hash(&forged_tail[11]);
    assert_eq!(
        verify_chain(&forged_tail, head, count),
        Err(ChainError::HeadMismatch)
    );
    // Dropping, reordering or truncating entries is detected too.
    let mut dropped = entries.clone();
    dropped.remove(4);
    assert_eq!(
        verify_chain(&dropped, head, count),
        Err(ChainError::OutOfSequence { index: 4, found: 5 })
    );
    let mut swapped = entries.clone();
    swapped.swap(2, 3);
    assert!(verify_chain(&swapped, head, count).is_err());
    assert_eq!(
        verify_chain(&entries[..11], head, count),
        Err(ChainError::CountMismatch {
            entries: 11,
            count: 12
        })
    );
}

#[test]
fn batches_append_in_order_as_one_item_and_chain() {
    let (mut s, writer, patients) = log_with(3);
    let actor = s.actor("clinician");
    let batch: Vec<AuditRecord> = (0..MAX_AUDIT_BATCH)
        .map(|i| record(actor, Some(patients[i % 2]), AuditOutcome::Success))
        .collect();
    let items_before = s.storage_usage(Contract::AuditLog).1;
    assert_eq!(
        doubles::relay(&mut s.chain, writer, audit_log::APPEND, batch.clone()).unwrap(),
        Ok(3)
    );
    // One event and one stored chunk for the whole batch.
    let appended = s.events::<Appended>();
    assert_eq!(
        (appended.len(), appended[0].records.len()),
        (1, MAX_AUDIT_BATCH)
    );
    assert_eq!(s.storage_usage(Contract::AuditLog).1, items_before + 1);
    assert_eq!(
        view::audit_chunk(&mut s.chain, 3).map(|c| c.len()),
        Some(MAX_AUDIT_BATCH)
    );
    assert_eq!(
        view::audit_root(&mut s.chain).count,
        3 + MAX_AUDIT_BATCH as u64
    );
    assert_eq!(
        verify_deployed(&mut s.chain),
        Ok(3 + MAX_AUDIT_BATCH as u64)
    );
    let trail = view::patient_trail(&mut s.chain, patients[0], 0, 0);
    assert_eq!(trail.total, 2 + MAX_AUDIT_BATCH as u64 / 2);
    // Inside the batch, each entry links to the previous one of its patient.
    assert_eq!(
        trail
            .items
            .iter()
            .take(3)
            .map(|e| e.seq)
            .collect::<Vec<_>>(),
        vec![17, 15, 13]
    );

    let relayed = |s: &mut Suite, records: Vec<AuditRecord>| {
        doubles::relay(&mut s.chain, writer, audit_log::APPEND, records).unwrap()
    };
    assert_eq!(relayed(&mut s, Vec::new()), Err(Error::Empty));
    let mut too_many = batch.clone();
    too_many.push(batch[0]);
    assert_eq!(relayed(&mut s, too_many), Err(Error::TooMany));
    // One bad record refuses the whole batch.
    let mut bad = batch.clone();
    bad[7].actor = AccountId::from([0u8; 32]);
    assert_eq!(relayed(&mut s, bad), Err(Error::ZeroAccount));
    assert_eq!(
        view::audit_root(&mut s.chain).count,
        3 + MAX_AUDIT_BATCH as u64
    );
    let stranger = s.actor("stranger");
    s.set_actor(stranger);
    s.assert_refused(audit_log::APPEND, batch, Error::NotWriter);
}
