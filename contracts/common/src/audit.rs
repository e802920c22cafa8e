//! The audit log's entry shape, shared by the log, its writers and off-chain verifiers.
//!
//! Shape follows FHIR R4 `AuditEvent`: `type`/`subtype` and `action` come from [`AuditAction`],
//! `recorded` from the block timestamp, `outcome` from [`AuditOutcome`], `purposeOfEvent` from
//! [`crate::Purpose`], `agent.who` is [`AuditRecord::actor`] (plus [`AuditRecord::initiator`] when
//! someone else triggered the action, with the writing contract as `source.observer`), and
//! `entity` is the patient plus [`AuditSubject`].
//!
//! An entry's hash is SHA-256 over the SCALE encoding of [`EntryPreimage`] — every field of the
//! entry except the hash itself, the previous entry's hash included. The first entry links to
//! [`crate::Digest::ZERO`]. The log keeps no per-patient index (it would cost every audited
//! decision a storage read and a write): a patient's trail is the entries naming the patient,
//! found by clients scanning the log newest first or by an indexer of `Appended` events.

// parity-scale-codec's derive casts variant indices (`usize` literals) to `u8` for enums whose
// variants carry data; clippy's cast lint (denied by cargo-contract) flags that generated code.
#![allow(clippy::cast_possible_truncation)]

use crate::ids::{
    BatchId, ClaimId, CredentialId, Digest, EmergencyId, GrantId, PatientId, RecordId, Timestamp,
};
use crate::vocab::{DataCategory, Purpose};
use ink::primitives::AccountId;

/// What happened.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum AuditAction {
    /// Access to a data category was requested (consent check).
    AccessCheck,
    /// A record anchor's locator was requested.
    RecordRead,
    /// A record anchor (or a new version of one) was written.
    RecordWrite,
    /// A grant was created.
    ConsentGrant,
    /// A grant's scope or window was changed.
    ConsentChange,
    /// A grant was revoked.
    ConsentRevoke,
    /// Break-glass emergency access opened.
    EmergencyStart,
    /// Break-glass emergency access closed (early, by the provider or the patient's side).
    EmergencyStop,
    /// A break-glass session was reviewed (a regulator or governance).
    EmergencyReview,
    /// Data was disclosed to a third party through a relying contract (e.g. to an insurer).
    Disclosure,
    /// A claim was submitted.
    ClaimSubmit,
    /// A claim was adjudicated.
    ClaimAdjudicate,
    /// A claim was paid.
    ClaimSettle,
    /// A claim was voided or replaced.
    ClaimVoid,
    /// A drug batch was quarantined.
    BatchQuarantine,
    /// A quarantine was lifted.
    BatchClear,
    /// A drug batch was recalled.
    BatchRecall,
    /// A serial was flagged as suspect (dispensed twice, or otherwise inconsistent).
    SerialSuspect,
    /// An investigation cleared a suspect serial (the manufacturer or a regulator).
    SerialCleared,
    /// An immunisation credential was issued.
    CredentialIssue,
    /// A credential was suspended, reinstated or revoked.
    CredentialStatus,
    /// A credential presentation was verified (or refused).
    CredentialVerify,
}

impl AuditAction {
    /// FHIR `AuditEvent.action`: C(reate), R(ead), U(pdate), D(elete), E(xecute).
    pub fn fhir_action(self) -> char {
        match self {
            AuditAction::AccessCheck
            | AuditAction::RecordRead
            | AuditAction::Disclosure
            | AuditAction::CredentialVerify => 'R',
            AuditAction::RecordWrite
            | AuditAction::ConsentGrant
            | AuditAction::ClaimSubmit
            | AuditAction::CredentialIssue => 'C',
            AuditAction::ConsentChange
            | AuditAction::EmergencyReview
            | AuditAction::CredentialStatus
            | AuditAction::ClaimAdjudicate
            | AuditAction::BatchQuarantine
            | AuditAction::BatchClear
            | AuditAction::BatchRecall
            | AuditAction::SerialSuspect
            | AuditAction::SerialCleared => 'U',
            AuditAction::ConsentRevoke | AuditAction::ClaimVoid => 'D',
            AuditAction::EmergencyStart | AuditAction::EmergencyStop | AuditAction::ClaimSettle => {
                'E'
            }
        }
    }

    /// FHIR `AuditEvent.type` (DICOM DCM code) and `subtype` (our action name).
    pub fn fhir_type(self) -> (&'static str, &'static str) {
        match self {
            AuditAction::AccessCheck => ("110110", "access-check"),
            AuditAction::RecordRead => ("110110", "record-read"),
            AuditAction::RecordWrite => ("110110", "record-write"),
            AuditAction::ConsentGrant => ("110110", "consent-grant"),
            AuditAction::ConsentChange => ("110110", "consent-change"),
            AuditAction::ConsentRevoke => ("110110", "consent-revoke"),
            AuditAction::EmergencyStart => ("110113", "emergency-start"),
            AuditAction::EmergencyStop => ("110113", "emergency-stop"),
            AuditAction::EmergencyReview => ("110113", "emergency-review"),
            AuditAction::Disclosure => ("110106", "disclosure"),
            AuditAction::ClaimSubmit => ("110110", "claim-submit"),
            AuditAction::ClaimAdjudicate => ("110110", "claim-adjudicate"),
            AuditAction::ClaimSettle => ("110110", "claim-settle"),
            AuditAction::ClaimVoid => ("110110", "claim-void"),
            AuditAction::BatchQuarantine => ("110113", "batch-quarantine"),
            AuditAction::BatchClear => ("110100", "batch-clear"),
            AuditAction::BatchRecall => ("110113", "batch-recall"),
            AuditAction::SerialSuspect => ("110113", "serial-suspect"),
            AuditAction::SerialCleared => ("110100", "serial-cleared"),
            AuditAction::CredentialIssue => ("110110", "credential-issue"),
            AuditAction::CredentialStatus => ("110110", "credential-status"),
            AuditAction::CredentialVerify => ("110114", "credential-verify"),
        }
    }
}

/// What the action was about (FHIR `AuditEvent.entity.what`, besides the patient).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum AuditSubject {
    Category(DataCategory),
    Record(RecordId),
    Grant(GrantId),
    Emergency(EmergencyId),
    Claim(ClaimId),
    Batch(BatchId),
    Serial(BatchId, u64),
    Credential(CredentialId),
    /// An on-chain verification, by its per-verifier tag
    /// (`credential_types::verification_tag`), never the credential id.
    Verification(Digest),
}

/// Why access was granted.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum AccessBasis {
    /// The patient's own controller or one of their delegates.
    PatientSide,
    /// A permit grant covering category, purpose and time.
    Consent(GrantId),
    /// An open break-glass session.
    Emergency(EmergencyId),
}

/// Why access was denied.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum DenyReason {
    /// No grant covers this category and purpose.
    NoConsent,
    /// The patient's deny rule covers it (deny wins over permit).
    DeniedByPatient(GrantId),
    /// A permit matched the scope but is not valid now (not yet started or expired).
    OutsideValidity(GrantId),
    /// The requester holds no role eligible for the purpose (or is suspended).
    RoleNotEligible,
    /// The patient id is unknown or deregistered (or the record belongs to an earlier
    /// registration of it).
    PatientNotActive,
    /// A credential presentation did not prove what it claims (paths, key commitment, signature).
    InvalidProof,
    /// The credential is suspended or revoked by its issuer.
    CredentialNotActive,
    /// A dose's lot has been recalled or quarantined since the credential was issued.
    LotNotSafe,
    /// The patient refuses break-glass access.
    BreakGlassRefused,
}

/// The result the log records.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum AuditOutcome {
    /// A state change that needed no access decision completed.
    Success,
    Granted(AccessBasis),
    Denied(DenyReason),
}

impl AuditOutcome {
    /// FHIR `AuditEvent.outcome`: 0 success, 4 minor failure (request refused).
    pub fn fhir_code(self) -> u8 {
        match self {
            AuditOutcome::Success | AuditOutcome::Granted(_) => 0,
            AuditOutcome::Denied(_) => 4,
        }
    }

    pub fn is_granted(self) -> bool {
        matches!(self, AuditOutcome::Granted(_))
    }
}

/// What a writer submits. The log adds sequence number, writer, block, time and chain links.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct AuditRecord {
    pub action: AuditAction,
    /// Who asked (FHIR `agent.who`): the account whose request the writer decided on.
    pub actor: AccountId,
    /// The patient concerned, if any (`entity` of type patient).
    pub patient: Option<PatientId>,
    pub subject: AuditSubject,
    pub purpose: Option<Purpose>,
    pub outcome: AuditOutcome,
    /// Who triggered the action when that is not the actor (the provider whose claim disclosed a
    /// record to an insurer).
    pub initiator: Option<AccountId>,
}

/// A stored entry.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct AuditEntry {
    /// 0-based position in the log.
    pub seq: u64,
    /// The registered writer (contract) that appended it: FHIR `source.observer`.
    pub writer: AccountId,
    pub record: AuditRecord,
    pub block: u32,
    /// FHIR `recorded`.
    pub recorded_at: Timestamp,
    pub prev_hash: Digest,
    pub hash: Digest,
}

/// The fields an entry's hash covers, in their fixed order.
#[derive(ink::scale::Encode)]
#[codec(crate = ink::scale)]
pub struct EntryPreimage<'a> {
    pub seq: u64,
    pub writer: &'a AccountId,
    pub record: &'a AuditRecord,
    pub block: u32,
    pub recorded_at: Timestamp,
    pub prev_hash: &'a Digest,
}

impl AuditEntry {
    pub fn preimage(&self) -> EntryPreimage<'_> {
        EntryPreimage {
            seq: self.seq,
            writer: &self.writer,
            record: &self.record,
            block: self.block,
            recorded_at: self.recorded_at,
            prev_hash: &self.prev_hash,
        }
    }
}
