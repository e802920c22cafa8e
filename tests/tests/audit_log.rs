//! The audit log on the in-process chain: only writers append, anyone reads and verifies, paging,
//! the per-patient index, and tampering with any field of any entry is detected.

use carechain_tests::audit::{fetch_all, to_fhir, verify_deployed};
use carechain_tests::common::events::audit::*;
use carechain_tests::common::verify::{verify_chain, ChainError};
use carechain_tests::common::*;
use carechain_tests::Ledger;
use carechain_tests::{Contract, Suite};
use ink::primitives::AccountId;

const A: Contract = Contract::AuditLog;

fn record(actor: AccountId, patient: Option<PatientId>, outcome: AuditOutcome) -> AuditRecord {
    AuditRecord {
        action: AuditAction::AccessCheck,
        actor,
        patient,
        subject: AuditSubject::Category(DataCategory::Imaging),
        purpose: Some(Purpose::Operations),
        outcome,
    }
}

/// A suite whose log has `n` entries appended by a writer account, alternating two patients.
fn log_with(n: u64) -> (Suite, AccountId, [PatientId; 2]) {
    let mut s = Suite::deploy();
    let writer = s.actor("writer");
    let admin = s.admin();
    s.set_actor(admin);
    s.tx::<()>(A, "add_writer", writer).unwrap();
    let patients = [PatientId([1; 32]), PatientId([2; 32])];
    s.set_actor(writer);
    for i in 0..n {
        let outcome = if i % 3 == 0 {
            AuditOutcome::Denied(DenyReason::NoConsent)
        } else {
            AuditOutcome::Granted(AccessBasis::Consent(i))
        };
        let seq = s
            .tx::<u64>(
                A,
                "AuditSink::append",
                record(writer, Some(patients[(i % 2) as usize]), outcome),
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
fn only_registered_writers_append() {
    let mut s = Suite::deploy();
    let admin = s.admin();
    let writer = s.actor("writer");
    let stranger = s.actor("stranger");
    let rec = record(stranger, None, AuditOutcome::Success);

    s.set_actor(stranger);
    s.assert_refused::<u64>(A, "AuditSink::append", rec, Error::NotWriter);
    s.assert_refused::<()>(A, "add_writer", stranger, Error::NotGovernor);
    s.set_actor(admin);
    s.assert_refused::<()>(
        A,
        "add_writer",
        AccountId::from([0; 32]),
        Error::ZeroAccount,
    );
    s.assert_refused::<()>(A, "remove_writer", writer, Error::WriterNotFound);
    s.tx::<()>(A, "add_writer", writer).unwrap();
    assert_eq!(s.events::<WriterAdded>()[0].writer, writer);
    s.assert_refused::<()>(A, "add_writer", writer, Error::AlreadyWriter);
    assert!(s.query::<bool>(A, "is_writer", writer));

    s.set_actor(writer);
    s.assert_refused::<u64>(
        A,
        "AuditSink::append",
        record(AccountId::from([0; 32]), None, AuditOutcome::Success),
        Error::ZeroAccount,
    );
    assert_eq!(s.tx::<u64>(A, "AuditSink::append", rec), Ok(0));
    let appended = &s.events::<EntryAppended>()[0];
    assert_eq!((appended.writer, appended.seq), (writer, 0));
    assert_eq!(appended.hash, s.query::<Digest>(A, "head", ()));

    s.set_actor(stranger);
    s.assert_refused::<()>(A, "remove_writer", writer, Error::NotGovernor);
    s.set_actor(admin);
    s.tx::<()>(A, "remove_writer", writer).unwrap();
    assert_eq!(s.events::<WriterRemoved>()[0].writer, writer);
    s.set_actor(writer);
    s.assert_refused::<u64>(A, "AuditSink::append", rec, Error::NotWriter);
    // Its entry stays.
    assert_eq!(s.query::<u64>(A, "count", ()), 1);

    s.set_actor(admin);
    s.tx::<()>(A, "add_writer", writer).unwrap();
    s.tx::<()>(A, "Governed::set_paused", true).unwrap();
    s.set_actor(writer);
    s.assert_refused::<u64>(A, "AuditSink::append", rec, Error::Paused);
    // A writer can be removed while paused (a compromised one, in an incident); adding waits.
    s.set_actor(admin);
    s.tx::<()>(A, "remove_writer", writer).unwrap();
    assert!(!s.query::<bool>(A, "is_writer", writer));
    s.assert_refused::<()>(A, "add_writer", writer, Error::Paused);
}

#[test]
fn entries_page_and_chain_from_genesis() {
    let (mut s, writer, patients) = log_with(75);
    assert_eq!(s.query::<u64>(A, "count", ()), 75);
    let first = s.query::<Option<AuditEntry>>(A, "entry", 0u64).unwrap();
    assert_eq!(first.prev_hash, Digest::ZERO);
    assert_eq!(first.writer, writer);
    // Pages are clamped to MAX_PAGE and stop at the end.
    assert_eq!(
        s.query::<Vec<AuditEntry>>(A, "entries", (0u64, 1000u32))
            .len(),
        MAX_PAGE as usize
    );
    assert_eq!(
        s.query::<Vec<AuditEntry>>(A, "entries", (70u64, 10u32))
            .len(),
        5
    );
    assert!(s
        .query::<Vec<AuditEntry>>(A, "entries", (75u64, 10u32))
        .is_empty());
    assert_eq!(s.query::<Option<AuditEntry>>(A, "entry", 75u64), None);

    let all = fetch_all(&mut s.chain);
    assert_eq!(all.len(), 75);
    for pair in all.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash);
        assert!(pair[1].recorded_at >= pair[0].recorded_at);
    }
    assert_eq!(verify_deployed(&mut s.chain), Ok(75));

    // The per-patient index pages one patient's entries without the other's.
    let second_page = s.query::<Page<AuditEntry>>(A, "patient_entries", (patients[1], 32u64, 0u32));
    assert_eq!(second_page.total, 37);
    let second_page = second_page.items;
    assert_eq!(
        second_page.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![65, 67, 69, 71, 73]
    );
    assert!(second_page
        .iter()
        .all(|e| e.record.patient == Some(patients[1])));
    assert_eq!(
        s.query::<Page<AuditEntry>>(A, "patient_entries", (PatientId([9; 32]), 0u64, 0u32))
            .total,
        0
    );

    // Every entry maps to a FHIR AuditEvent.
    let fhir = to_fhir(&all[0]);
    assert_eq!(fhir["resourceType"], "AuditEvent");
    assert_eq!(fhir["outcome"], "4");
    assert_eq!(fhir["purposeOfEvent"][0]["coding"][0]["code"], "HOPERAT");
}

#[test]
fn tampering_with_any_field_is_detected() {
    let (mut s, _, _) = log_with(12);
    let entries = fetch_all(&mut s.chain);
    let head = s.query::<Digest>(A, "head", ());
    let count = s.query::<u64>(A, "count", ());
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
fn batches_append_in_order_and_chain() {
    let (mut s, writer, patients) = log_with(3);
    let batch: Vec<AuditRecord> = (0..MAX_AUDIT_BATCH)
        .map(|i| record(writer, Some(patients[i % 2]), AuditOutcome::Success))
        .collect();
    assert_eq!(
        s.tx::<u64>(A, "AuditSink::append_batch", batch.clone()),
        Ok(3)
    );
    assert_eq!(s.events::<EntryAppended>().len(), MAX_AUDIT_BATCH);
    assert_eq!(s.query::<u64>(A, "count", ()), 3 + MAX_AUDIT_BATCH as u64);
    assert_eq!(
        verify_deployed(&mut s.chain),
        Ok(3 + MAX_AUDIT_BATCH as u64)
    );
    let total = s
        .query::<Page<AuditEntry>>(A, "patient_entries", (patients[0], 0u64, 0u32))
        .total;
    assert_eq!(total, 2 + MAX_AUDIT_BATCH as u64 / 2);

    s.assert_refused::<u64>(
        A,
        "AuditSink::append_batch",
        Vec::<AuditRecord>::new(),
        Error::Empty,
    );
    let mut too_many = batch.clone();
    too_many.push(batch[0]);
    s.assert_refused::<u64>(A, "AuditSink::append_batch", too_many, Error::TooMany);
    // One bad record refuses the whole batch.
    let mut bad = batch.clone();
    bad[7].actor = AccountId::from([0u8; 32]);
    s.assert_refused::<u64>(A, "AuditSink::append_batch", bad, Error::ZeroAccount);
    let stranger = s.actor("stranger");
    s.set_actor(stranger);
    s.assert_refused::<u64>(A, "AuditSink::append_batch", batch, Error::NotWriter);
}
