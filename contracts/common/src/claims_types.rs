//! Types of the claims contract: policies, escrow, claims, adjudication.
//!
//! No service code, service category, service date or drug identity reaches the chain, in storage,
//! in events or in call arguments (which stay public forever). A line carries `service_ref`: the
//! provider's keyed hash (HMAC-SHA-256 under a key the provider and the insurer share off chain)
//! of service code and date of service; the same service hashes the same way, so exact duplicates
//! are caught on chain, and the insurer recomputes it from the claim it receives off chain. A
//! pharmacy line carries its pack's keyed commitment under the same key (`drug`), so a pack is
//! billed on one standing claim per key; the insurer checks the pack against provenance before it
//! approves (`carechain_sdk::claims::check_pack`). Coverage is the insurer's to decide at
//! adjudication (`DenialReason::NonCovered`). See SECURITY.md.

// parity-scale-codec's derive casts variant indices (`usize` literals) to `u8` for enums whose
// variants carry data; clippy's cast lint (denied by cargo-contract) flags that generated code.
#![allow(clippy::cast_possible_truncation)]

use crate::ids::{Balance, BatchId, ClaimId, Digest, PatientId, PolicyId, RecordId, Timestamp};
use ink::prelude::vec::Vec;
use ink::primitives::AccountId;

/// Most lines one claim may have.
pub const MAX_CLAIM_LINES: usize = 8;
/// Co-insurance is given in basis points of the allowed amount after the deductible.
pub const BASIS_POINTS: u16 = 10_000;
/// Longest policy period.
pub const MAX_POLICY_PERIOD: Timestamp = 31_622_400_000; // 366 days
/// Claims may be filed up to this long after the policy period ends (timely filing).
pub const FILING_GRACE: Timestamp = 7_776_000_000; // 90 days
/// An appeal the insurer has not decided this long after it was made may be withdrawn by the
/// provider (the claim is voided and its lines may be billed again).
pub const APPEAL_DEADLINE: Timestamp = 2_592_000_000; // 30 days

/// Coarse service categories a policy covers.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum ServiceCategory {
    Consultation,
    Laboratory,
    Imaging,
    Pharmacy,
    Hospitalisation,
    Surgery,
    Emergency,
    Preventive,
    MentalHealth,
    Rehabilitation,
}

crate::vocab::bit_set!(
    /// The service categories a policy covers.
    CoverageSet,
    ServiceCategory,
    u16,
    10
);

/// Cost-sharing terms of a policy for its period.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct PolicyTerms {
    pub coverage: CoverageSet,
    pub period_start: Timestamp,
    pub period_end: Timestamp,
    /// Most the plan pays in the period.
    pub annual_limit: Balance,
    /// What the patient pays first in the period.
    pub deductible: Balance,
    /// Patient's share after the deductible, in basis points.
    pub coinsurance_bps: u16,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Policy {
    pub id: PolicyId,
    pub insurer: AccountId,
    pub patient: PatientId,
    /// The patient's registration the policy covers: a later registration of the same id does
    /// not inherit it.
    pub registration: u64,
    pub terms: PolicyTerms,
    /// Plan payments approved in the period (committed or paid).
    pub plan_used: Balance,
    /// Deductible the patient has met in the period.
    pub deductible_met: Balance,
    pub closed: bool,
}

/// An insurer's escrow: `balance` is held by the contract; `committed` is approved and not yet
/// paid. Only `balance - committed` can be withdrawn.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Escrow {
    pub balance: Balance,
    pub committed: Balance,
}

impl Escrow {
    pub fn available(&self) -> Balance {
        self.balance.saturating_sub(self.committed)
    }
}

/// A dispensed pack: what a claim line bills for (an argument only, never stored by claims), and
/// the administered dose an immunisation credential cites.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct DrugRef {
    pub batch: BatchId,
    pub serial: u64,
}

/// A line as submitted.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct ClaimLine {
    /// Keyed hash of service code and service date (see the module docs).
    pub service_ref: Digest,
    pub billed: Balance,
    /// A pharmacy line's pack, as its keyed commitment (see the module docs): never the batch or
    /// serial.
    pub drug: Option<Digest>,
}

/// A line as stored.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct StoredLine {
    pub service_ref: Digest,
    pub billed: Balance,
    /// A pharmacy line's pack commitment: a pack is billed on one standing claim per key.
    pub pack: Option<Digest>,
}

/// Claim adjustment reason codes (X12 CARC numbers: [`DenialReason::carc`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum DenialReason {
    /// 16: lacks information needed for adjudication.
    MissingInformation,
    /// 50: not deemed a medical necessity.
    NotMedicallyNecessary,
    /// 96: non-covered charge.
    NonCovered,
    /// 119: benefit maximum reached.
    BenefitMaximumReached,
    /// 29: time limit for filing has expired.
    TimelyFiling,
    /// 16: the pharmacy line's pack does not verify (not the committed pack, not dispensed by
    /// the claimant, recalled, quarantined or suspect).
    PackNotVerified,
}

impl DenialReason {
    /// The X12 claim adjustment reason code.
    pub fn carc(self) -> u16 {
        match self {
            DenialReason::MissingInformation => 16,
            DenialReason::NotMedicallyNecessary => 50,
            DenialReason::NonCovered => 96,
            DenialReason::BenefitMaximumReached => 119,
            DenialReason::TimelyFiling => 29,
            DenialReason::PackNotVerified => 16,
        }
    }
}

/// The insurer's decision for one line.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum LineDecision {
    /// Approve up to `allowed` (at most the billed amount).
    Approve {
        allowed: Balance,
    },
    Deny(DenialReason),
}

/// How one line was paid out.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct LineResult {
    pub allowed: Balance,
    pub deductible: Balance,
    pub coinsurance: Balance,
    /// Allowed amount the annual limit left uncovered (the patient's too).
    pub over_limit: Balance,
    pub plan_pays: Balance,
    pub denied: Option<DenialReason>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum ClaimStatus {
    Submitted,
    /// The insurer asked for more information.
    Pended,
    Approved,
    PartiallyApproved,
    Denied,
    /// The provider appealed (once); the insurer adjudicates again.
    Appealed,
    Settled,
    Voided,
    /// Voided by a replacement claim (`replaced_by`).
    Replaced,
}

#[derive(Clone, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Claim {
    pub id: ClaimId,
    pub policy: PolicyId,
    pub patient: PatientId,
    pub provider: AccountId,
    pub insurer: AccountId,
    /// The record anchor that supports the claim (authored by the provider; its disclosure to the
    /// insurer was consented).
    pub record: RecordId,
    pub lines: Vec<StoredLine>,
    pub billed: Balance,
    pub status: ClaimStatus,
    pub submitted_at: Timestamp,
    /// Audit entry of the consented disclosure.
    pub disclosure_seq: u64,
    pub results: Vec<LineResult>,
    /// Plan pays (committed in the insurer's escrow until settled).
    pub approved: Balance,
    pub patient_share: Balance,
    pub deductible_applied: Balance,
    pub pend_reason: Option<DenialReason>,
    pub appealed: bool,
    /// When the (one) appeal was made.
    pub appealed_at: Option<Timestamp>,
    pub replaces: Option<ClaimId>,
    pub replaced_by: Option<ClaimId>,
    pub settled_at: Option<Timestamp>,
}

/// What a submission did.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum SubmitOutcome {
    Submitted(ClaimId),
    /// The patient's consent does not permit the insurer the payment purpose for the record:
    /// no claim was made; the refused disclosure is in the audit log at `audit_seq`.
    ConsentDenied {
        audit_seq: u64,
    },
}
