//! The release rule and the upload rules, over facts read from the chain ([`ChainFacts`]), so
//! they can be tested case by case with forged facts as well as against a real chain.
//!
//! A download of record `r` by signer `s` against audit entry `n` is released only when:
//! entry `n` is in a finalized block; it was written by the suite's access contract (its address
//! from the deployment, never from the request); it is a `RecordRead` of `r` requested by `s`;
//! its outcome is `Granted`; it was recorded within the release window (chain time); and the
//! basis it was granted on still stands — the grant is not revoked, expired or ended by a
//! recovery; the break-glass session is not closed or expired; the signer is still the patient's
//! controller or an active delegate.

use super::protocol::{org_slot, Refusal, PATIENT_SLOT};
use crate::facts::{basis_stands, patient_side, BasisFacts};
use crate::ledger::Finalized;
use crate::{view, ChainRead, Contract};
use carechain_common::{
    AccessBasis, AuditAction, AuditEntry, AuditOutcome, AuditSubject, Emergency, EmergencyId,
    Grant, GrantId, Patient, PatientId, RecordId, RecordMeta,
};
use ink::primitives::AccountId;
use sha2::{Digest as _, Sha256};

/// An audit entry as the gateway sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryState {
    Missing,
    /// Written, but not in a finalized block yet.
    Pending,
    Final(Box<AuditEntry>),
}

/// What the rules read from the chain.
pub trait ChainFacts {
    fn entry(&mut self, seq: u64) -> EntryState;
    fn record(&mut self, id: RecordId) -> Option<RecordMeta>;
    fn grant(&mut self, id: GrantId) -> Option<Grant>;
    fn emergency(&mut self, id: EmergencyId) -> Option<Emergency>;
    fn patient(&mut self, id: PatientId) -> Option<Patient>;
    fn is_organisation(&mut self, account: AccountId) -> bool;
    /// The chain's time (the latest block's timestamp, ms).
    fn now(&mut self) -> u64;
    /// The suite's access contract: the only writer whose entries release records.
    fn access_contract(&mut self) -> AccountId;
}

/// The facts of any [`ChainRead`] (in process or a node), read from contract storage; entries at
/// the latest finalized block.
pub struct ChainFactsOf<'a, L: ChainRead>(pub &'a mut L);

impl<L: ChainRead> ChainFacts for ChainFactsOf<'_, L> {
    fn entry(&mut self, seq: u64) -> EntryState {
        if let Some(entry) = view::audit_entry(&mut Finalized(&mut *self.0), seq) {
            return EntryState::Final(Box::new(entry));
        }
        match view::audit_entry(self.0, seq) {
            Some(_) => EntryState::Pending,
            None => EntryState::Missing,
        }
    }
    fn record(&mut self, id: RecordId) -> Option<RecordMeta> {
        view::record_meta(self.0, id)
    }
    fn grant(&mut self, id: GrantId) -> Option<Grant> {
        view::grant(self.0, id)
    }
    fn emergency(&mut self, id: EmergencyId) -> Option<Emergency> {
        view::emergency(self.0, id)
    }
    fn patient(&mut self, id: PatientId) -> Option<Patient> {
        view::patient(self.0, id)
    }
    fn is_organisation(&mut self, account: AccountId) -> bool {
        view::organisation(self.0, account).is_some()
    }
    fn now(&mut self) -> u64 {
        self.0.now()
    }
    fn access_contract(&mut self) -> AccountId {
        self.0.address(Contract::Access)
    }
}

/// A released read: what was granted and which wrapped key belongs to the signer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release {
    pub basis: AccessBasis,
    pub patient: PatientId,
    pub slot: String,
    pub entry: AuditEntry,
}

/// Check the entry alone (everything that cannot change once it is final).
pub fn check_entry(
    entry: &AuditEntry,
    access: &AccountId,
    signer: &AccountId,
    record: RecordId,
) -> Result<AccessBasis, Refusal> {
    if entry.writer != *access {
        return Err(Refusal::NotSuiteWriter);
    }
    if entry.record.action != AuditAction::RecordRead {
        return Err(Refusal::NotRecordRead);
    }
    if entry.record.subject != AuditSubject::Record(record) {
        return Err(Refusal::OtherRecord);
    }
    if entry.record.actor != *signer {
        return Err(Refusal::NotRequester);
    }
    match entry.record.outcome {
        AuditOutcome::Granted(basis) => Ok(basis),
        AuditOutcome::Denied(reason) => Err(Refusal::NotGranted(format!("{reason:?}"))),
        AuditOutcome::Success => Err(Refusal::NotGranted("not a decision".into())),
    }
}

/// The release rule for `signer` downloading `record` against entry `seq`. `entry` may come from
/// a cache: a finalized entry never changes.
pub fn check_release(
    chain: &mut impl ChainFacts,
    entry: Option<AuditEntry>,
    signer: AccountId,
    record: RecordId,
    seq: u64,
    window_ms: u64,
) -> Result<Release, Refusal> {
    let entry = match entry {
        Some(entry) => entry,
        None => match chain.entry(seq) {
            EntryState::Missing => return Err(Refusal::NoSuchEntry),
            EntryState::Pending => return Err(Refusal::NotFinalized),
            EntryState::Final(entry) => *entry,
        },
    };
    if entry.seq != seq {
        return Err(Refusal::NoSuchEntry);
    }
    let access = chain.access_contract();
    let basis = check_entry(&entry, &access, &signer, record)?;
    let now = chain.now();
    if now.saturating_sub(entry.recorded_at) > window_ms {
        return Err(Refusal::TooOld);
    }
    let patient_id = entry
        .record
        .patient
        .ok_or(Refusal::NotGranted("no patient".into()))?;
    let facts = BasisFacts {
        patient: chain.patient(patient_id),
        grant: match basis {
            AccessBasis::Consent(id) => chain.grant(id),
            _ => None,
        },
        emergency: match basis {
            AccessBasis::Emergency(id) => chain.emergency(id),
            _ => None,
        },
    };
    basis_stands(basis, &facts, &signer, now).map_err(Refusal::Revoked)?;
    // The patient's custodian holds a key slot of every record: it never reads on a
    // break-glass basis of its own (it would serve itself).
    if matches!(basis, AccessBasis::Emergency(_))
        && facts.patient.as_ref().and_then(|p| p.custodian) == Some(signer)
    {
        return Err(Refusal::NotGranted(
            "the patient's custodian does not break the glass for itself".into(),
        ));
    }
    let slot = if chain.is_organisation(signer) {
        org_slot(&signer)
    } else {
        PATIENT_SLOT.to_owned()
    };
    Ok(Release {
        basis,
        patient: patient_id,
        slot,
        entry,
    })
}

/// Upload of a record's blob: only its author, and only the bytes whose SHA-256 is anchored.
pub fn check_blob_upload(
    chain: &mut impl ChainFacts,
    signer: AccountId,
    record: RecordId,
    body: &[u8],
) -> Result<RecordMeta, Refusal> {
    let meta = chain
        .record(record)
        .ok_or(Refusal::NotFound("record anchor"))?;
    if meta.author != signer {
        return Err(Refusal::NotAuthor);
    }
    let hash: [u8; 32] = Sha256::digest(body).into();
    if hash != meta.content_hash.0 {
        return Err(Refusal::HashMismatch);
    }
    Ok(meta)
}

/// Whether `slot` names a wrapped-key slot: `patient` or an account in hex.
pub fn valid_slot(slot: &str) -> bool {
    slot == PATIENT_SLOT || (slot.len() == 64 && slot.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Upload of a wrapped key: the author (at upload), the patient's side (re-wrapping for a
/// grantee) or the patient's emergency custodian (re-wrapping for a break-glass provider).
pub fn check_key_upload(
    chain: &mut impl ChainFacts,
    signer: AccountId,
    record: RecordId,
    slot: &str,
) -> Result<RecordMeta, Refusal> {
    if !valid_slot(slot) {
        return Err(Refusal::BadRequest(format!("no key slot {slot:?}")));
    }
    let meta = chain
        .record(record)
        .ok_or(Refusal::NotFound("record anchor"))?;
    if meta.author == signer {
        return Ok(meta);
    }
    let now = chain.now();
    let allowed = chain
        .patient(meta.patient)
        .is_some_and(|p| patient_side(&p, &signer, now) || p.custodian == Some(signer));
    if allowed {
        Ok(meta)
    } else {
        Err(Refusal::NotKeyHolder)
    }
}

/// The patient's emergency custodian fetches its own wrapped key to re-wrap it for a
/// break-glass provider: allowed only against that provider's released, granted *emergency* read
/// of this record (the same rule as the provider's own download), and only to the custodian the
/// patient named.
pub fn check_custodian_key(
    chain: &mut impl ChainFacts,
    entry: Option<AuditEntry>,
    signer: AccountId,
    record: RecordId,
    seq: u64,
    window_ms: u64,
) -> Result<Release, Refusal> {
    let entry = match entry {
        Some(entry) => entry,
        None => match chain.entry(seq) {
            EntryState::Missing => return Err(Refusal::NoSuchEntry),
            EntryState::Pending => return Err(Refusal::NotFinalized),
            EntryState::Final(entry) => *entry,
        },
    };
    let provider = entry.record.actor;
    let release = check_release(chain, Some(entry), provider, record, seq, window_ms)?;
    if !matches!(release.basis, AccessBasis::Emergency(_)) {
        return Err(Refusal::NotRequester);
    }
    let custodian = chain.patient(release.patient).and_then(|p| p.custodian);
    if custodian != Some(signer) {
        return Err(Refusal::NotRequester);
    }
    Ok(Release {
        slot: org_slot(&signer),
        ..release
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use carechain_common::{
        CategorySet, DataCategory, DenyReason, Digest, Effect, EmergencyReason, EncryptionKey,
        GrantScope, Grantee, Purpose, PurposeSet,
    };
    use std::collections::HashMap;

    const ACCESS: [u8; 32] = [0xAC; 32];
    const HOSPITAL: [u8; 32] = [0x11; 32];
    const OTHER: [u8; 32] = [0x22; 32];
    const ALICE: [u8; 32] = [0xA1; 32];
    const CUSTODIAN: [u8; 32] = [0xC5; 32];
    const PATIENT: PatientId = PatientId([0x50; 32]);
    const RECORD: RecordId = 77;
    const NOW: u64 = 1_000_000;
    const WINDOW: u64 = 300_000;

    /// A chain of forged facts.
    struct Forged {
        entries: HashMap<u64, EntryState>,
        grants: HashMap<GrantId, Grant>,
        emergencies: HashMap<EmergencyId, Emergency>,
        patient: Option<Patient>,
        orgs: Vec<AccountId>,
        now: u64,
    }

    fn acct(bytes: [u8; 32]) -> AccountId {
        AccountId::from(bytes)
    }

    fn entry(seq: u64, outcome: AuditOutcome) -> AuditEntry {
        AuditEntry {
            seq,
            writer: acct(ACCESS),
            record: carechain_common::AuditRecord {
                action: AuditAction::RecordRead,
                actor: acct(HOSPITAL),
                patient: Some(PATIENT),
                subject: AuditSubject::Record(RECORD),
                purpose: Some(Purpose::Treatment),
                outcome,
                initiator: None,
            },
            block: 9,
            recorded_at: NOW - 1_000,
            prev_hash: Digest::ZERO,
            hash: Digest::ZERO,
        }
    }

    fn world() -> Forged {
        let grant = Grant {
            id: 4,
            patient: PATIENT,
            registration: 1,
            epoch: 0,
            grantee: Grantee::Account(acct(HOSPITAL)),
            scope: GrantScope {
                categories: CategorySet::of(&[DataCategory::Laboratory]),
                purposes: PurposeSet::of(&[Purpose::Treatment]),
                valid_from: 0,
                valid_until: NOW + 10_000,
            },
            effect: Effect::Permit,
            created_by: acct(ALICE),
            created_at: 0,
            revoked_at: None,
        };
        let emergency = Emergency {
            id: 2,
            patient: PATIENT,
            registration: 1,
            provider: acct(OTHER),
            reason: EmergencyReason::PatientUnconscious,
            opened_at: NOW - 5_000,
            expires_at: NOW + 5_000,
            closed_at: None,
            closed_by: None,
            review: None,
        };
        let patient = Patient {
            controller: acct(ALICE),
            key: EncryptionKey([1; 32]),
            registration: 1,
            registered_at: 0,
            epoch: 0,
            pending_controller: None,
            delegates: Vec::new(),
            guardians: Vec::new(),
            threshold: 0,
            custodian: Some(acct(CUSTODIAN)),
            refuses_break_glass: false,
        };
        let mut entries = HashMap::new();
        entries.insert(
            1,
            EntryState::Final(Box::new(entry(
                1,
                AuditOutcome::Granted(AccessBasis::Consent(4)),
            ))),
        );
        Forged {
            entries,
            grants: HashMap::from([(4, grant)]),
            emergencies: HashMap::from([(2, emergency)]),
            patient: Some(patient),
            orgs: vec![acct(HOSPITAL), acct(OTHER), acct(CUSTODIAN)],
            now: NOW,
        }
    }

    impl ChainFacts for Forged {
        fn entry(&mut self, seq: u64) -> EntryState {
            self.entries
                .get(&seq)
                .cloned()
                .unwrap_or(EntryState::Missing)
        }
        fn record(&mut self, id: RecordId) -> Option<RecordMeta> {
            (id == RECORD).then(|| RecordMeta {
                id,
                patient: PATIENT,
                registration: 1,
                category: DataCategory::Laboratory,
                author: acct(HOSPITAL),
                content_hash: Digest(Sha256::digest(b"blob").into()),
                version: 1,
                amends: None,
                superseded_by: None,
                created_at: 0,
            })
        }
        fn grant(&mut self, id: GrantId) -> Option<Grant> {
            self.grants.get(&id).cloned()
        }
        fn emergency(&mut self, id: EmergencyId) -> Option<Emergency> {
            self.emergencies.get(&id).cloned()
        }
        fn patient(&mut self, _id: PatientId) -> Option<Patient> {
            self.patient.clone()
        }
        fn is_organisation(&mut self, account: AccountId) -> bool {
            self.orgs.contains(&account)
        }
        fn now(&mut self) -> u64 {
            self.now
        }
        fn access_contract(&mut self) -> AccountId {
            acct(ACCESS)
        }
    }

    fn release(w: &mut Forged, signer: [u8; 32], seq: u64) -> Result<Release, Refusal> {
        check_release(w, None, acct(signer), RECORD, seq, WINDOW)
    }

    /// Put a variant of the granted entry at 2 and try it.
    fn forged(change: impl FnOnce(&mut AuditEntry)) -> Result<Release, Refusal> {
        let mut w = world();
        let mut e = entry(2, AuditOutcome::Granted(AccessBasis::Consent(4)));
        change(&mut e);
        w.entries.insert(2, EntryState::Final(Box::new(e)));
        release(&mut w, HOSPITAL, 2)
    }

    #[test]
    fn a_finalized_granted_read_by_the_signer_is_released_to_its_key_slot() {
        let mut w = world();
        let r = release(&mut w, HOSPITAL, 1).unwrap();
        assert_eq!(r.basis, AccessBasis::Consent(4));
        assert_eq!(r.slot, org_slot(&acct(HOSPITAL)));
    }

    #[test]
    fn each_forged_or_unfit_entry_is_refused_with_its_reason() {
        assert_eq!(
            forged(|e| e.writer = acct(OTHER)),
            Err(Refusal::NotSuiteWriter),
            "another contract or an account wrote it"
        );
        assert_eq!(
            forged(|e| e.record.action = AuditAction::AccessCheck),
            Err(Refusal::NotRecordRead)
        );
        assert_eq!(
            forged(|e| e.record.subject = AuditSubject::Record(78)),
            Err(Refusal::OtherRecord)
        );
        assert_eq!(
            forged(|e| e.record.actor = acct(OTHER)),
            Err(Refusal::NotRequester)
        );
        assert_eq!(
            forged(|e| e.record.outcome = AuditOutcome::Denied(DenyReason::NoConsent)),
            Err(Refusal::NotGranted("NoConsent".into()))
        );
        assert_eq!(
            forged(|e| e.recorded_at = NOW - WINDOW - 1),
            Err(Refusal::TooOld)
        );
        assert!(
            forged(|e| e.recorded_at = NOW - WINDOW).is_ok(),
            "the window's edge is inside"
        );
        assert_eq!(
            forged(|e| e.seq = 3),
            Err(Refusal::NoSuchEntry),
            "an entry served under another number"
        );
    }

    #[test]
    fn missing_and_unfinalized_entries_are_refused() {
        let mut w = world();
        assert_eq!(release(&mut w, HOSPITAL, 9), Err(Refusal::NoSuchEntry));
        w.entries.insert(3, EntryState::Pending);
        assert_eq!(release(&mut w, HOSPITAL, 3), Err(Refusal::NotFinalized));
    }

    #[test]
    fn a_revoked_expired_or_recovered_grant_ends_the_release() {
        let mut w = world();
        w.grants.get_mut(&4).unwrap().revoked_at = Some(NOW - 10);
        assert_eq!(release(&mut w, HOSPITAL, 1), Err(Refusal::Revoked("grant")));
        let mut w = world();
        w.grants.get_mut(&4).unwrap().scope.valid_until = NOW;
        assert_eq!(release(&mut w, HOSPITAL, 1), Err(Refusal::Revoked("grant")));
        let mut w = world();
        w.patient.as_mut().unwrap().epoch = 1;
        assert_eq!(
            release(&mut w, HOSPITAL, 1),
            Err(Refusal::Revoked("grant")),
            "a recovery since"
        );
        let mut w = world();
        w.grants.clear();
        assert_eq!(release(&mut w, HOSPITAL, 1), Err(Refusal::Revoked("grant")));
    }

    #[test]
    fn break_glass_releases_while_the_session_is_open_and_the_custodian_gets_its_key() {
        let mut w = world();
        let mut e = entry(5, AuditOutcome::Granted(AccessBasis::Emergency(2)));
        e.record.actor = acct(OTHER);
        e.record.purpose = Some(Purpose::EmergencyTreatment);
        w.entries.insert(5, EntryState::Final(Box::new(e)));
        assert_eq!(
            release(&mut w, OTHER, 5).unwrap().basis,
            AccessBasis::Emergency(2)
        );
        // The custodian named by the patient fetches its own slot against the provider's entry.
        let custodian =
            check_custodian_key(&mut w, None, acct(CUSTODIAN), RECORD, 5, WINDOW).unwrap();
        assert_eq!(custodian.slot, org_slot(&acct(CUSTODIAN)));
        // Nobody else does, and not against a consent read.
        assert_eq!(
            check_custodian_key(&mut w, None, acct(HOSPITAL), RECORD, 5, WINDOW),
            Err(Refusal::NotRequester)
        );
        assert_eq!(
            check_custodian_key(&mut w, None, acct(CUSTODIAN), RECORD, 1, WINDOW),
            Err(Refusal::NotRequester)
        );
        w.emergencies.get_mut(&2).unwrap().closed_at = Some(NOW - 1);
        assert_eq!(
            release(&mut w, OTHER, 5),
            Err(Refusal::Revoked("break-glass session"))
        );
        assert_eq!(
            check_custodian_key(&mut w, None, acct(CUSTODIAN), RECORD, 5, WINDOW),
            Err(Refusal::Revoked("break-glass session"))
        );
    }

    /// Finding (round 3): a custodian that also held the provider role broke the glass and
    /// served itself (it holds a key slot of every record). An emergency read by the
    /// custodian releases nothing.
    #[test]
    fn the_custodian_never_reads_on_its_own_break_glass() {
        let mut w = world();
        let mut e = entry(7, AuditOutcome::Granted(AccessBasis::Emergency(2)));
        e.record.actor = acct(CUSTODIAN);
        e.record.purpose = Some(Purpose::EmergencyTreatment);
        w.entries.insert(7, EntryState::Final(Box::new(e)));
        w.emergencies.get_mut(&2).unwrap().provider = acct(CUSTODIAN);
        assert!(matches!(
            release(&mut w, CUSTODIAN, 7),
            Err(Refusal::NotGranted(why)) if why.contains("custodian")
        ));
        assert!(matches!(
            check_custodian_key(&mut w, None, acct(CUSTODIAN), RECORD, 7, WINDOW),
            Err(Refusal::NotGranted(_))
        ));
    }

    #[test]
    fn the_patient_side_reads_into_the_patient_slot_while_it_stands() {
        let mut w = world();
        let mut e = entry(6, AuditOutcome::Granted(AccessBasis::PatientSide));
        e.record.actor = acct(ALICE);
        w.entries.insert(6, EntryState::Final(Box::new(e)));
        assert_eq!(release(&mut w, ALICE, 6).unwrap().slot, PATIENT_SLOT);
        w.patient.as_mut().unwrap().controller = acct(OTHER);
        assert_eq!(
            release(&mut w, ALICE, 6),
            Err(Refusal::Revoked("patient-side standing"))
        );
    }

    #[test]
    fn uploads_need_the_author_the_anchored_hash_and_a_key_holder() {
        let mut w = world();
        assert!(check_blob_upload(&mut w, acct(HOSPITAL), RECORD, b"blob").is_ok());
        assert_eq!(
            check_blob_upload(&mut w, acct(OTHER), RECORD, b"blob"),
            Err(Refusal::NotAuthor)
        );
        assert_eq!(
            check_blob_upload(&mut w, acct(HOSPITAL), RECORD, b"blob!"),
            Err(Refusal::HashMismatch)
        );
        assert_eq!(
            check_blob_upload(&mut w, acct(HOSPITAL), 5, b"blob"),
            Err(Refusal::NotFound("record anchor"))
        );
        let other_slot = org_slot(&acct(OTHER));
        for signer in [HOSPITAL, ALICE, CUSTODIAN] {
            assert!(check_key_upload(&mut w, acct(signer), RECORD, &other_slot).is_ok());
        }
        assert_eq!(
            check_key_upload(&mut w, acct(OTHER), RECORD, &other_slot),
            Err(Refusal::NotKeyHolder)
        );
        assert!(matches!(
            check_key_upload(&mut w, acct(HOSPITAL), RECORD, "../../etc"),
            Err(Refusal::BadRequest(_))
        ));
    }
}
