//! The release rule and the upload rules, over facts read from the chain ([`ChainFacts`]), so
//! they can be tested case by case with forged facts as well as against a real chain.
//!
//! A download of record `r` by signer `s` against audit entry `n` is released only when:
//! entry `n` is in a finalized block; it was written by the suite's access contract (its address
//! from the deployment, never from the request); it is a `RecordRead` of `r` requested by `s`;
//! its outcome is `Granted`; it was recorded within the release window (best-block time, so a
//! stalled finality does not stop the clock); and, read at the best block *and* at the latest
//! finalized block (either saying "ended" refuses), the basis it was granted on still stands —
//! the grant is not revoked, expired or ended by a recovery; the break-glass session is not
//! closed or expired; the signer is still the patient's controller or an active delegate — and
//! the access rule, re-run on the access contract's current projection for (patient, signer,
//! category, purpose), still grants on that same basis (a narrowed grant, a new deny rule, a
//! suspended grantee or a deregistered patient refuse at once, not at the end of the window).

use super::protocol::{key_slot, valid_slot, Refusal};
use crate::facts::{basis_stands, patient_side, BasisFacts};
use crate::ledger::Finalized;
use crate::view::ProjectionOf;
use crate::{view, ChainRead, Contract};
use carechain_common::{
    AccessBasis, AuditAction, AuditEntry, AuditOutcome, AuditSubject, Emergency, EmergencyId,
    Grant, GrantId, GrantSlot, Patient, PatientCell, PatientId, Purpose, RecordFacts, RecordId,
    RecordMeta, RoleSet, Session,
};
use carechain_rules::{decide_record_read, Projection};
use ink::primitives::AccountId;

/// An audit entry as the gateway sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryState {
    Missing,
    /// Written (in the best block), but not in a finalized block yet.
    Pending,
    Final(Box<AuditEntry>),
}

/// Which block the facts are read at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum At {
    /// The best block: what the chain has decided most recently (restrictions arrive here
    /// first).
    Best,
    /// The latest finalized block.
    Finalized,
}

/// What the rules read from the chain: the source contracts' facts and the access contract's
/// projection ([`Projection`]), at the block [`ChainFacts::at`] chose (the best block unless
/// told otherwise). Entries are read at both.
pub trait ChainFacts: Projection {
    /// Read the following facts at `at`.
    fn at(&mut self, at: At);
    fn entry(&mut self, seq: u64) -> EntryState;
    fn record(&mut self, id: RecordId) -> Option<RecordMeta>;
    /// The record's anchor as the access contract decides on it.
    fn record_facts(&mut self, id: RecordId) -> Option<RecordFacts>;
    fn grant(&mut self, id: GrantId) -> Option<Grant>;
    fn emergency(&mut self, id: EmergencyId) -> Option<Emergency>;
    fn patient(&mut self, id: PatientId) -> Option<Patient>;
    /// The X25519 key the registry holds for an organisation (`None`: not an organisation).
    fn organisation_key(&mut self, account: AccountId) -> Option<[u8; 32]>;
    /// The chain's time: the best block's timestamp (ms).
    fn now(&mut self) -> u64;
    /// The suite's access contract: the only writer whose entries release records.
    fn access_contract(&mut self) -> AccountId;
}

/// The facts of any [`ChainRead`] (in process or a node), read from contract storage: at the
/// best block ([`ChainRead::storage`]) or the finalized one ([`ChainRead::finalized_storage`]).
pub struct ChainFactsOf<'a, L: ChainRead> {
    chain: &'a mut L,
    finalized: bool,
}

impl<'a, L: ChainRead> ChainFactsOf<'a, L> {
    pub fn new(chain: &'a mut L) -> Self {
        ChainFactsOf {
            chain,
            finalized: false,
        }
    }
}

/// Run `$body` with `$l` reading at the chosen block.
macro_rules! at_view {
    ($self:ident, |$l:ident| $body:expr) => {
        if $self.finalized {
            let $l = &mut Finalized(&mut *$self.chain);
            $body
        } else {
            let $l = &mut *$self.chain;
            $body
        }
    };
}

impl<L: ChainRead> Projection for ChainFactsOf<'_, L> {
    fn roles(&mut self, account: &AccountId) -> Option<RoleSet> {
        at_view!(self, |l| ProjectionOf(l).roles(account))
    }
    fn patient_cell(&mut self, patient: &PatientId) -> Option<PatientCell> {
        at_view!(self, |l| ProjectionOf(l).patient_cell(patient))
    }
    fn slots(&mut self, patient: &PatientId, grantee: &AccountId) -> Vec<GrantSlot> {
        at_view!(self, |l| ProjectionOf(l).slots(patient, grantee))
    }
    fn session(&mut self, patient: &PatientId, provider: &AccountId) -> Option<Session> {
        at_view!(self, |l| ProjectionOf(l).session(patient, provider))
    }
}

impl<L: ChainRead> ChainFacts for ChainFactsOf<'_, L> {
    fn at(&mut self, at: At) {
        self.finalized = at == At::Finalized;
    }
    fn entry(&mut self, seq: u64) -> EntryState {
        if let Some(entry) = view::audit_entry(&mut Finalized(&mut *self.chain), seq) {
            return EntryState::Final(Box::new(entry));
        }
        match view::audit_entry(self.chain, seq) {
            Some(_) => EntryState::Pending,
            None => EntryState::Missing,
        }
    }
    fn record(&mut self, id: RecordId) -> Option<RecordMeta> {
        at_view!(self, |l| view::record_meta(l, id))
    }
    fn record_facts(&mut self, id: RecordId) -> Option<RecordFacts> {
        at_view!(self, |l| view::record_facts(l, id))
    }
    fn grant(&mut self, id: GrantId) -> Option<Grant> {
        at_view!(self, |l| view::grant(l, id))
    }
    fn emergency(&mut self, id: EmergencyId) -> Option<Emergency> {
        at_view!(self, |l| view::emergency(l, id))
    }
    fn patient(&mut self, id: PatientId) -> Option<Patient> {
        at_view!(self, |l| view::patient(l, id))
    }
    fn organisation_key(&mut self, account: AccountId) -> Option<[u8; 32]> {
        at_view!(self, |l| view::organisation(l, account).map(|o| o.key.0))
    }
    fn now(&mut self) -> u64 {
        self.chain.now()
    }
    fn access_contract(&mut self) -> AccountId {
        self.chain.address(Contract::Access)
    }
}

/// A released read: what was granted, the key slot of the signer's registered key (the
/// patient's for the patient's side) and the record's author (whose wrapped key is served first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release {
    pub basis: AccessBasis,
    pub patient: PatientId,
    pub slot: String,
    pub author: AccountId,
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

/// A granted read, as its entry records it.
struct Read {
    basis: AccessBasis,
    patient: PatientId,
    purpose: Purpose,
    signer: AccountId,
    record: RecordId,
}

/// Whether the read's basis still stands on `chain` at the block it reads at: the source
/// contracts say so, the custodian is not serving itself, and the access rule on the current
/// projection grants the same request on the same basis. The record's author, when it does.
fn still_stands(chain: &mut impl ChainFacts, read: &Read, now: u64) -> Result<AccountId, Refusal> {
    let facts = BasisFacts {
        patient: chain.patient(read.patient),
        grant: match read.basis {
            AccessBasis::Consent(id) => chain.grant(id),
            _ => None,
        },
        emergency: match read.basis {
            AccessBasis::Emergency(id) => chain.emergency(id),
            _ => None,
        },
    };
    basis_stands(read.basis, &facts, &read.signer, now).map_err(Refusal::Revoked)?;
    // The patient's custodian holds a key slot of every record: it never reads on a
    // break-glass basis of its own (it would serve itself).
    if matches!(read.basis, AccessBasis::Emergency(_))
        && facts.patient.as_ref().and_then(|p| p.custodian) == Some(read.signer)
    {
        return Err(Refusal::NotGranted(
            "the patient's custodian does not break the glass for itself".into(),
        ));
    }
    let anchor = chain
        .record_facts(read.record)
        .ok_or(Refusal::NoLongerGranted(
            "the record is no longer anchored".into(),
        ))?;
    if anchor.patient != read.patient {
        return Err(Refusal::OtherRecord);
    }
    match decide_record_read(chain, &anchor, &read.signer, read.purpose, now) {
        AuditOutcome::Granted(basis) if basis == read.basis => Ok(anchor.author),
        AuditOutcome::Granted(other) => Err(Refusal::NoLongerGranted(format!(
            "granted now on another basis ({other:?}); ask again"
        ))),
        AuditOutcome::Denied(reason) => Err(Refusal::NoLongerGranted(format!("{reason:?}"))),
        AuditOutcome::Success => Err(Refusal::NoLongerGranted("not a decision".into())),
    }
}

/// Entry `seq` as a finalized block holds it (`cached` if the gateway has it already).
fn final_entry(
    chain: &mut impl ChainFacts,
    cached: Option<AuditEntry>,
    seq: u64,
) -> Result<AuditEntry, Refusal> {
    match cached {
        Some(entry) => Ok(entry),
        None => match chain.entry(seq) {
            EntryState::Missing => Err(Refusal::NoSuchEntry),
            EntryState::Pending => Err(Refusal::NotFinalized),
            EntryState::Final(entry) => Ok(*entry),
        },
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
    let entry = final_entry(chain, entry, seq)?;
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
    let purpose = entry
        .record
        .purpose
        .ok_or(Refusal::NotGranted("no purpose".into()))?;
    let read = Read {
        basis,
        patient: patient_id,
        purpose,
        signer,
        record,
    };
    let verdict = [At::Best, At::Finalized]
        .into_iter()
        .map(|at| {
            chain.at(at);
            still_stands(chain, &read, now)
        })
        .collect::<Result<Vec<_>, _>>();
    chain.at(At::Best);
    let author = verdict?[0];
    let key = match chain.organisation_key(signer) {
        Some(key) => key,
        None => {
            chain
                .patient(patient_id)
                .ok_or(Refusal::NoLongerGranted("the patient is gone".into()))?
                .key
                .0
        }
    };
    Ok(Release {
        basis,
        patient: patient_id,
        slot: key_slot(&key),
        author,
        entry,
    })
}

/// Upload of a record's blob: only its author, and only the bytes whose SHA-256 is anchored.
/// The gateway checks this on the hash the request signed, before it reads the body, and then
/// the body against that hash.
pub fn check_blob_upload(
    chain: &mut impl ChainFacts,
    signer: AccountId,
    record: RecordId,
    content_hash: &[u8; 32],
) -> Result<RecordMeta, Refusal> {
    let meta = chain
        .record(record)
        .ok_or(Refusal::NotFound("record anchor"))?;
    if meta.author != signer {
        return Err(Refusal::NotAuthor);
    }
    if *content_hash != meta.content_hash.0 {
        return Err(Refusal::HashMismatch);
    }
    Ok(meta)
}

/// Upload of a wrapped key for the recipient key `slot`: the author (at upload, or re-wrapping
/// for a patient's new key after a recovery), the patient's side (re-wrapping for a grantee)
/// or the patient's emergency custodian (re-wrapping for a break-glass provider) wrap for any
/// key; any organisation wraps for its own registered key (re-wrapping what it holds after it
/// rotated its key). Each writes only its own position of the slot, so none of them can
/// replace a wrapped key another wrote.
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
    if chain
        .organisation_key(signer)
        .is_some_and(|own| key_slot(&own) == slot)
    {
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
    let entry = final_entry(chain, entry, seq)?;
    let provider = entry.record.actor;
    let release = check_release(chain, Some(entry), provider, record, seq, window_ms)?;
    if !matches!(release.basis, AccessBasis::Emergency(_)) {
        return Err(Refusal::NotRequester);
    }
    let custodian = chain.patient(release.patient).and_then(|p| p.custodian);
    if custodian != Some(signer) {
        return Err(Refusal::NotRequester);
    }
    let key = chain
        .organisation_key(signer)
        .ok_or(Refusal::NotKeyHolder)?;
    Ok(Release {
        slot: key_slot(&key),
        ..release
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use carechain_common::{
        CategorySet, DataCategory, DenyReason, Digest, Effect, EmergencyReason, EncryptedLocator,
        EncryptionKey, GrantScope, Grantee, PatientFacts, PurposeSet, Role,
    };
    use sha2::{Digest as _, Sha256};
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

    /// A chain of forged facts: the finalized state, and the best block's where it differs
    /// (`ahead`). The access projection is derived from the source facts as the registry and
    /// consent write it, unless `projection_lags` (then it is a copy taken earlier).
    #[derive(Clone)]
    struct Forged {
        entries: HashMap<u64, EntryState>,
        grants: HashMap<GrantId, Grant>,
        emergencies: HashMap<EmergencyId, Emergency>,
        patient: Option<Patient>,
        orgs: HashMap<AccountId, RoleSet>,
        now: u64,
        ahead: Option<Box<Forged>>,
        reading_best: bool,
    }

    impl Forged {
        /// The state reads see now.
        fn state(&mut self) -> &mut Forged {
            if self.reading_best && self.ahead.is_some() {
                return self.ahead.as_deref_mut().expect("checked");
            }
            self
        }
        fn slot(g: &Grant) -> GrantSlot {
            GrantSlot {
                id: g.id,
                registration: g.registration,
                epoch: g.epoch,
                scope: g.scope,
                effect: g.effect,
            }
        }
        fn live(&mut self, grantee: Grantee) -> Vec<GrantSlot> {
            let mut live: Vec<_> = self
                .state()
                .grants
                .values()
                .filter(|g| g.grantee == grantee && g.revoked_at.is_none())
                .map(Forged::slot)
                .collect();
            live.sort_by_key(|s| s.id);
            live
        }
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
        let provider = RoleSet::of(&[Role::Provider]);
        Forged {
            entries,
            grants: HashMap::from([(4, grant)]),
            emergencies: HashMap::from([(2, emergency)]),
            patient: Some(patient),
            orgs: HashMap::from([
                (acct(HOSPITAL), provider),
                (acct(OTHER), provider),
                (acct(CUSTODIAN), RoleSet::default()),
            ]),
            now: NOW,
            ahead: None,
            reading_best: true,
        }
    }

    impl Projection for Forged {
        fn roles(&mut self, account: &AccountId) -> Option<RoleSet> {
            self.state().orgs.get(account).copied()
        }
        fn patient_cell(&mut self, _patient: &PatientId) -> Option<PatientCell> {
            let p = self.state().patient.clone()?;
            Some(PatientCell {
                facts: PatientFacts {
                    registration: p.registration,
                    epoch: p.epoch,
                    controller: p.controller,
                    delegates: Vec::new(),
                    refuses_break_glass: p.refuses_break_glass,
                },
                anyone: self.live(Grantee::Anyone),
            })
        }
        fn slots(&mut self, _patient: &PatientId, grantee: &AccountId) -> Vec<GrantSlot> {
            self.live(Grantee::Account(*grantee))
        }
        fn session(&mut self, _patient: &PatientId, provider: &AccountId) -> Option<Session> {
            self.state()
                .emergencies
                .values()
                .find(|e| e.provider == *provider && e.closed_at.is_none())
                .map(|e| Session {
                    id: e.id,
                    registration: e.registration,
                    expires_at: e.expires_at,
                })
        }
    }

    impl ChainFacts for Forged {
        fn at(&mut self, at: At) {
            self.reading_best = at == At::Best;
        }
        fn record_facts(&mut self, id: RecordId) -> Option<RecordFacts> {
            let meta = self.record(id)?;
            Some(RecordFacts {
                patient: meta.patient,
                registration: meta.registration,
                category: meta.category,
                author: meta.author,
                locator: EncryptedLocator(Vec::new()),
            })
        }
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
            self.state().grants.get(&id).cloned()
        }
        fn emergency(&mut self, id: EmergencyId) -> Option<Emergency> {
            self.state().emergencies.get(&id).cloned()
        }
        fn patient(&mut self, _id: PatientId) -> Option<Patient> {
            self.state().patient.clone()
        }
        fn organisation_key(&mut self, account: AccountId) -> Option<[u8; 32]> {
            self.state()
                .orgs
                .contains_key(&account)
                .then(|| org_key(&account))
        }
        fn now(&mut self) -> u64 {
            self.now
        }
        fn access_contract(&mut self) -> AccountId {
            acct(ACCESS)
        }
    }

    /// A forged organisation's registered key.
    fn org_key(account: &AccountId) -> [u8; 32] {
        let mut key = *AsRef::<[u8; 32]>::as_ref(account);
        key[31] ^= 0xEE;
        key
    }

    fn org_slot(account: &AccountId) -> String {
        key_slot(&org_key(account))
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
        assert_eq!(r.author, acct(HOSPITAL));
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

    /// Finding (round 3): after a granted read, the patient narrowed the grant, added a deny
    /// rule or governance suspended the reader — the chain denied a new read, the gateway still
    /// released on the old entry until its window ended. The access rule is re-run at release.
    #[test]
    fn a_read_the_chain_would_no_longer_grant_is_not_released() {
        let mut w = world();
        w.grants.get_mut(&4).unwrap().scope.categories = CategorySet::of(&[DataCategory::Imaging]);
        assert_eq!(
            release(&mut w, HOSPITAL, 1),
            Err(Refusal::NoLongerGranted("NoConsent".into())),
            "the grant was narrowed to another category"
        );
        let mut w = world();
        let mut deny = w.grants[&4];
        deny.id = 9;
        deny.grantee = Grantee::Anyone;
        deny.effect = Effect::Deny;
        w.grants.insert(9, deny);
        assert_eq!(
            release(&mut w, HOSPITAL, 1),
            Err(Refusal::NoLongerGranted("DeniedByPatient(9)".into())),
            "a deny rule since"
        );
        let mut w = world();
        w.orgs.insert(acct(HOSPITAL), RoleSet::default());
        assert_eq!(
            release(&mut w, HOSPITAL, 1),
            Err(Refusal::NoLongerGranted("RoleNotEligible".into())),
            "the reader was suspended"
        );
        let mut w = world();
        w.grants.get_mut(&4).unwrap().scope.categories = CategorySet::of(&[DataCategory::Imaging]);
        let mut other = w.grants[&4];
        other.id = 5;
        other.scope.categories = CategorySet::of(&[DataCategory::Laboratory]);
        w.grants.insert(5, other);
        assert!(
            matches!(release(&mut w, HOSPITAL, 1), Err(Refusal::NoLongerGranted(why)) if why.contains("another basis")),
            "granted now on another grant: the reader asks again (a new entry)"
        );
        let mut w = world();
        w.patient = None;
        assert!(release(&mut w, HOSPITAL, 1).is_err(), "deregistered since");
    }

    /// Finding (round 3): facts were read at the finalized head only, so a revocation in a
    /// block that is not final yet did not stop a release. Either view saying "ended" refuses.
    #[test]
    fn a_restriction_in_the_best_block_refuses_before_it_is_final() {
        let mut w = world();
        let mut ahead = w.clone();
        ahead.grants.get_mut(&4).unwrap().revoked_at = Some(NOW - 10);
        w.ahead = Some(Box::new(ahead));
        assert_eq!(release(&mut w, HOSPITAL, 1), Err(Refusal::Revoked("grant")));
        // The other way round (the best block is on a fork without the revocation).
        let mut w = world();
        let ahead = w.clone();
        w.grants.get_mut(&4).unwrap().revoked_at = Some(NOW - 10);
        w.ahead = Some(Box::new(ahead));
        assert_eq!(release(&mut w, HOSPITAL, 1), Err(Refusal::Revoked("grant")));
        // A deny rule only the best block has.
        let mut w = world();
        let mut ahead = w.clone();
        let mut deny = ahead.grants[&4];
        deny.id = 9;
        deny.grantee = Grantee::Anyone;
        deny.effect = Effect::Deny;
        ahead.grants.insert(9, deny);
        w.ahead = Some(Box::new(ahead));
        assert_eq!(
            release(&mut w, HOSPITAL, 1),
            Err(Refusal::NoLongerGranted("DeniedByPatient(9)".into()))
        );
        assert!(
            w.reading_best,
            "the facts are read at the best block afterwards"
        );
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
        assert_eq!(release(&mut w, ALICE, 6).unwrap().slot, key_slot(&[1; 32]));
        w.patient.as_mut().unwrap().controller = acct(OTHER);
        assert_eq!(
            release(&mut w, ALICE, 6),
            Err(Refusal::Revoked("patient-side standing"))
        );
    }

    #[test]
    fn uploads_need_the_author_the_anchored_hash_and_a_key_holder() {
        let mut w = world();
        let hash = |body: &[u8]| -> [u8; 32] { Sha256::digest(body).into() };
        assert!(check_blob_upload(&mut w, acct(HOSPITAL), RECORD, &hash(b"blob")).is_ok());
        assert_eq!(
            check_blob_upload(&mut w, acct(OTHER), RECORD, &hash(b"blob")),
            Err(Refusal::NotAuthor)
        );
        assert_eq!(
            check_blob_upload(&mut w, acct(HOSPITAL), RECORD, &hash(b"blob!")),
            Err(Refusal::HashMismatch)
        );
        assert_eq!(
            check_blob_upload(&mut w, acct(HOSPITAL), 5, &hash(b"blob")),
            Err(Refusal::NotFound("record anchor"))
        );
        let other_slot = org_slot(&acct(OTHER));
        for signer in [HOSPITAL, ALICE, CUSTODIAN] {
            assert!(check_key_upload(&mut w, acct(signer), RECORD, &other_slot).is_ok());
        }
        // Another organisation wraps only for its own registered key (after rotating it).
        assert!(check_key_upload(&mut w, acct(OTHER), RECORD, &other_slot).is_ok());
        assert_eq!(
            check_key_upload(&mut w, acct(OTHER), RECORD, &org_slot(&acct(HOSPITAL))),
            Err(Refusal::NotKeyHolder)
        );
        assert_eq!(
            check_key_upload(&mut w, acct(OTHER), RECORD, &key_slot(&[1; 32])),
            Err(Refusal::NotKeyHolder),
            "not for the patient's key"
        );
        assert!(matches!(
            check_key_upload(&mut w, acct(HOSPITAL), RECORD, "../../etc"),
            Err(Refusal::BadRequest(_))
        ));
        // Finding (round 3): an upper-case spelling was stored and never served.
        assert!(matches!(
            check_key_upload(
                &mut w,
                acct(HOSPITAL),
                RECORD,
                &org_slot(&acct(OTHER)).to_uppercase()
            ),
            Err(Refusal::BadRequest(_))
        ));
    }
}
