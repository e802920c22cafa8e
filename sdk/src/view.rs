//! What dApps, tools and tests read, served from contract storage ([`crate::storage`]): the
//! queries the contracts used to answer as messages.

use crate::contracts::Contract::{self, *};
use crate::ledger::ChainRead;
use crate::storage::paths::{
    access, audit_log, claims, consent, credentials, provenance, registry,
};
use crate::storage::{self, get, root, Index};
use carechain_common::*;
use ink::primitives::AccountId;

/// One page of a list, with the list's total length.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Page<T> {
    pub total: u64,
    pub items: Vec<T>,
}

/// Page `from..from+limit` of a per-patient `index`, each id turned into an item of `items`.
fn index_page<L: ChainRead, T: scale::Decode>(
    l: &mut L,
    index: Index,
    items: storage::Map<u64, T>,
    patient: PatientId,
    from: u64,
    limit: u32,
) -> Page<T> {
    let total = get(l, index.counts, &patient).unwrap_or(0);
    let ids: Vec<u64> = page_range(from, limit, total)
        .filter_map(|n| get(l, index.entries, &(patient, n)))
        .collect();
    let items = ids
        .into_iter()
        .filter_map(|id| get(l, items, &id))
        .collect();
    Page { total, items }
}

// ---------------------------------------------------------------------------- registry

pub fn registry_root<L: ChainRead>(l: &mut L) -> storage::RegistryRoot {
    root(l, Registry)
}

pub fn organisation<L: ChainRead>(l: &mut L, account: AccountId) -> Option<Organisation> {
    get(l, registry::ORGS, &account)
}

pub fn patient<L: ChainRead>(l: &mut L, id: PatientId) -> Option<Patient> {
    get(l, registry::PATIENTS, &id)
}

pub fn patient_of<L: ChainRead>(l: &mut L, controller: AccountId) -> Option<PatientId> {
    get(l, registry::CONTROLLER_OF, &controller)
}

pub fn recovery<L: ChainRead>(l: &mut L, id: PatientId) -> Option<Recovery> {
    get(l, registry::RECOVERIES, &id)
}

// ---------------------------------------------------------------------------- access

pub fn access_root<L: ChainRead>(l: &mut L) -> storage::AccessRoot {
    root(l, Access)
}

/// An organisation's effective roles as decisions see them (`None`: not an organisation).
pub fn effective_roles<L: ChainRead>(l: &mut L, account: AccountId) -> Option<RoleSet> {
    get(l, access::ORGS, &account)
}

pub fn patient_cell<L: ChainRead>(l: &mut L, id: PatientId) -> Option<PatientCell> {
    get(l, access::PATIENTS, &id)
}

pub fn session<L: ChainRead>(
    l: &mut L,
    patient: PatientId,
    provider: AccountId,
) -> Option<Session> {
    get(l, access::SESSIONS, &(patient, provider))
}

pub fn record_facts<L: ChainRead>(l: &mut L, record: RecordId) -> Option<RecordFacts> {
    get(l, access::RECORDS, &record)
}

/// The live slots decisions read for (patient, grantee).
pub fn decision_slots<L: ChainRead>(
    l: &mut L,
    patient: PatientId,
    grantee: AccountId,
) -> Vec<GrantSlot> {
    get(l, access::SLOTS, &(patient, grantee)).unwrap_or_default()
}

// ---------------------------------------------------------------------------- consent

pub fn consent_root<L: ChainRead>(l: &mut L) -> storage::ConsentRoot {
    root(l, Consent)
}

pub fn grant<L: ChainRead>(l: &mut L, id: GrantId) -> Option<Grant> {
    get(l, consent::GRANTS, &id)
}

/// The patient's grants (revoked and expired included), oldest first.
pub fn patient_grants<L: ChainRead>(
    l: &mut L,
    patient: PatientId,
    from: u64,
    limit: u32,
) -> Page<Grant> {
    index_page(
        l,
        consent::PATIENT_GRANTS,
        consent::GRANTS,
        patient,
        from,
        limit,
    )
}

/// Where a grant stands now ([`crate::facts::grant_status`]: revocation, the patient's current
/// registration and recovery epoch — a recovery ends every earlier grant without touching them in
/// storage — and the window).
pub fn grant_status<L: ChainRead>(l: &mut L, grant: &Grant) -> crate::facts::GrantStatus {
    let now = l.now();
    let patient = patient(l, grant.patient);
    crate::facts::grant_status(grant, patient.as_ref(), now)
}

pub fn record_meta<L: ChainRead>(l: &mut L, id: RecordId) -> Option<RecordMeta> {
    get(l, consent::RECORDS, &id)
}

pub fn patient_records<L: ChainRead>(
    l: &mut L,
    patient: PatientId,
    from: u64,
    limit: u32,
) -> Page<RecordMeta> {
    index_page(
        l,
        consent::PATIENT_RECORDS,
        consent::RECORDS,
        patient,
        from,
        limit,
    )
}

pub fn emergency<L: ChainRead>(l: &mut L, id: EmergencyId) -> Option<Emergency> {
    get(l, consent::EMERGENCIES, &id)
}

/// Every break-glass session ever opened (the regulators' review list), oldest first.
pub fn emergencies<L: ChainRead>(l: &mut L, from: u64, limit: u32) -> Page<Emergency> {
    let total = consent_root(l).emergency_count;
    let items = page_range(from, limit, total)
        .filter_map(|id| emergency(l, id))
        .collect();
    Page { total, items }
}

/// The patient's review list of break-glass sessions.
pub fn patient_emergencies<L: ChainRead>(
    l: &mut L,
    patient: PatientId,
    from: u64,
    limit: u32,
) -> Page<Emergency> {
    index_page(
        l,
        consent::PATIENT_EMERGENCIES,
        consent::EMERGENCIES,
        patient,
        from,
        limit,
    )
}

/// Restriction entries waiting in a contract's queue for the audit log.
pub fn deferred_audit<L: ChainRead>(l: &mut L, contract: Contract) -> Vec<AuditRecord> {
    let (queue, range) = match contract {
        Consent => (consent::DEFERRED, consent_root(l).deferred),
        Provenance => (provenance::DEFERRED, provenance_root(l).deferred),
        Credentials => (credentials::DEFERRED, credentials_root(l).deferred),
        _ => return Vec::new(),
    };
    (range.first..range.next)
        .filter_map(|position| get(l, queue, &position))
        .collect()
}

// ---------------------------------------------------------------------------- audit log

pub fn audit_root<L: ChainRead>(l: &mut L) -> storage::AuditLogRoot {
    root(l, AuditLog)
}

/// The entries of the append that began at `first`.
pub fn audit_chunk<L: ChainRead>(l: &mut L, first: u64) -> Option<Vec<AuditEntry>> {
    get(l, audit_log::CHUNKS, &first)
}

/// Where the chunk holding entry `seq` starts: at `seq` or at most `MAX_AUDIT_BATCH - 1` before.
fn chunk_start<L: ChainRead>(l: &mut L, seq: u64) -> Option<(u64, Vec<AuditEntry>)> {
    let lowest = seq.saturating_sub(MAX_AUDIT_BATCH as u64 - 1);
    (lowest..=seq).rev().find_map(|first| {
        audit_chunk(l, first)
            .filter(|chunk| first + chunk.len() as u64 > seq)
            .map(|chunk| (first, chunk))
    })
}

/// Entry `seq`.
pub fn audit_entry<L: ChainRead>(l: &mut L, seq: u64) -> Option<AuditEntry> {
    // One read settles a number not written yet (else up to a chunk's length of reads).
    if seq >= audit_root(l).count {
        return None;
    }
    chunk_start(l, seq).and_then(|(_, chunk)| chunk.into_iter().find(|e| e.seq == seq))
}

/// Entries `from..from+limit` (at most `MAX_PAGE`), in order.
pub fn audit_entries<L: ChainRead>(l: &mut L, from: u64, limit: u32) -> Vec<AuditEntry> {
    let count = audit_root(l).count;
    let range = page_range(from, limit, count);
    let mut out = Vec::new();
    let Some((mut key, _)) = chunk_start(l, range.start) else {
        return out;
    };
    while key < range.end {
        let Some(chunk) = audit_chunk(l, key) else {
            break;
        };
        key += (chunk.len() as u64).max(1);
        out.extend(chunk.into_iter().filter(|e| range.contains(&e.seq)));
    }
    out
}

/// A patient's trail ("who touched my data"), newest first: `limit` entries starting `skip`
/// entries back from the newest, with how many there are in all. The log keeps no per-patient
/// index (that would cost every audited decision a storage read and write), so this scans the
/// log's chunks newest first: fine for a client holding a few hundred thousand entries; a large
/// deployment indexes the log's `Appended` events instead.
pub fn patient_trail<L: ChainRead>(
    l: &mut L,
    patient: PatientId,
    skip: u64,
    limit: u32,
) -> Page<AuditEntry> {
    let wanted = u64::from(page_len(limit));
    let mut items = Vec::new();
    let mut total = 0u64;
    let mut next = audit_root(l).count;
    while next > 0 {
        let Some((first, chunk)) = chunk_start(l, next - 1) else {
            break;
        };
        for entry in chunk.into_iter().rev() {
            if entry.record.patient == Some(patient) {
                if total >= skip && total < skip.saturating_add(wanted) {
                    items.push(entry);
                }
                total += 1;
            }
        }
        next = first;
    }
    Page { total, items }
}

// ---------------------------------------------------------------------------- provenance

pub fn provenance_root<L: ChainRead>(l: &mut L) -> storage::ProvenanceRoot {
    root(l, Provenance)
}

pub fn gtin_owner<L: ChainRead>(l: &mut L, gtin: Gtin) -> Option<AccountId> {
    get(l, provenance::GTINS, &gtin)
}

pub fn batch<L: ChainRead>(l: &mut L, id: BatchId) -> Option<Batch> {
    get(l, provenance::BATCHES, &id)
}

pub fn batch_id<L: ChainRead>(l: &mut L, gtin: Gtin, lot: &LotNumber) -> Option<BatchId> {
    get(l, provenance::BY_GTIN_LOT, &(gtin, lot.clone()))
}

pub fn holding<L: ChainRead>(l: &mut L, batch: BatchId, holder: AccountId) -> u64 {
    get(l, provenance::HOLDINGS, &(batch, holder)).unwrap_or(0)
}

pub fn transfer<L: ChainRead>(l: &mut L, batch: BatchId, index: u64) -> Option<Transfer> {
    get(l, provenance::TRANSFERS, &(batch, index))
}

/// The batch's transfer history, oldest first.
pub fn transfers<L: ChainRead>(
    l: &mut L,
    batch_id: BatchId,
    from: u64,
    limit: u32,
) -> Vec<Transfer> {
    let count = batch(l, batch_id).map_or(0, |b| b.transfer_count);
    page_range(from, limit, count)
        .filter_map(|n| transfer(l, batch_id, n))
        .collect()
}

pub fn serial<L: ChainRead>(l: &mut L, batch: BatchId, serial: u64) -> Option<SerialRecord> {
    get(l, provenance::SERIALS, &(batch, serial))
}

/// The serial-level custodian of a serial: who received it in a shipment that listed it, or
/// the batch's manufacturer.
pub fn custodian<L: ChainRead>(l: &mut L, batch: BatchId, serial: u64) -> Option<AccountId> {
    get(l, provenance::CUSTODY, &(batch, serial))
        .or_else(|| self::batch(l, batch).map(|b| b.manufacturer))
}

// ---------------------------------------------------------------------------- claims

pub fn claims_root<L: ChainRead>(l: &mut L) -> storage::ClaimsRoot {
    root(l, Claims)
}

pub fn policy<L: ChainRead>(l: &mut L, id: PolicyId) -> Option<Policy> {
    get(l, claims::POLICIES, &id)
}

pub fn escrow<L: ChainRead>(l: &mut L, insurer: AccountId) -> Escrow {
    get(l, claims::ESCROWS, &insurer).unwrap_or_default()
}

pub fn claim<L: ChainRead>(l: &mut L, id: ClaimId) -> Option<Claim> {
    get(l, claims::CLAIMS, &id)
}

pub fn patient_claims<L: ChainRead>(
    l: &mut L,
    patient: PatientId,
    from: u64,
    limit: u32,
) -> Page<Claim> {
    index_page(
        l,
        claims::PATIENT_CLAIMS,
        claims::CLAIMS,
        patient,
        from,
        limit,
    )
}

// ---------------------------------------------------------------------------- credentials

pub fn credentials_root<L: ChainRead>(l: &mut L) -> storage::CredentialsRoot {
    root(l, Credentials)
}

pub fn credential<L: ChainRead>(l: &mut L, id: CredentialId) -> Option<Credential> {
    get(l, credentials::CREDENTIALS, &id)
}

/// The access contract's projection read from its storage: the access rule
/// (`carechain_rules`) runs on it off chain exactly as the contract runs it.
pub struct ProjectionOf<'a, L: ChainRead>(pub &'a mut L);

impl<L: ChainRead> carechain_rules::Projection for ProjectionOf<'_, L> {
    fn roles(&mut self, account: &AccountId) -> Option<RoleSet> {
        effective_roles(self.0, *account)
    }
    fn patient_cell(&mut self, patient: &PatientId) -> Option<PatientCell> {
        patient_cell(self.0, *patient)
    }
    fn slots(&mut self, patient: &PatientId, grantee: &AccountId) -> Vec<GrantSlot> {
        decision_slots(self.0, *patient, *grantee)
    }
    fn session(&mut self, patient: &PatientId, provider: &AccountId) -> Option<Session> {
        session(self.0, *patient, *provider)
    }
}
