//! Types of the claims contract: policies, escrow, claims, adjudication.
//!
//! No service code or service date goes on chain in the clear. A line carries `service_ref`: the
//! provider's keyed hash (HMAC-SHA-256 under a key the provider and the insurer share off chain)
//! of code system, service code and date of service. The same service hashes the same way, so
//! exact duplicates are caught on chain, and the insurer recomputes it from the claim it receives
//! off chain.

// parity-scale-codec's derive casts variant indices (`usize` literals) to `u8` for enums whose
// variants carry data; clippy's cast lint (denied by cargo-contract) flags that generated code.
#![allow(clippy::cast_possible_truncation)]

use crate::error::{Error, Result};
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

/// Coarse service categories a policy covers.
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
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
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
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

#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub struct Policy {
    pub id: PolicyId,
    pub insurer: AccountId,
    pub patient: PatientId,
    pub terms: PolicyTerms,
    /// Plan payments approved in the period (committed or paid).
    pub plan_used: Balance,
    /// Deductible the patient has met in the period.
    pub deductible_met: Balance,
    pub closed: bool,
}

/// An insurer's escrow: `balance` is held by the contract; `committed` is approved and not yet
/// paid. Only `balance - committed` can be withdrawn.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub struct Escrow {
    pub balance: Balance,
    pub committed: Balance,
}

impl Escrow {
    pub fn available(&self) -> Balance {
        self.balance.saturating_sub(self.committed)
    }
}

/// A dispensed drug a line bills for.
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub struct DrugRef {
    pub batch: BatchId,
    pub serial: u64,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub struct ClaimLine {
    pub service: ServiceCategory,
    /// Keyed hash of code system, service code and service date (see the module docs).
    pub service_ref: Digest,
    pub billed: Balance,
    pub drug: Option<DrugRef>,
}

/// Claim adjustment reason codes (X12 CARC numbers in the comments).
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
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
}

/// The insurer's decision for one line.
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(feature = "std", derive(scale_info::TypeInfo))]
pub enum LineDecision {
    /// Approve up to `allowed` (at most the billed amount).
    Approve {
        allowed: Balance,
    },
    Deny(DenialReason),
}

/// How one line was paid out.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub struct LineResult {
    pub allowed: Balance,
    pub deductible: Balance,
    pub coinsurance: Balance,
    /// Allowed amount the annual limit left uncovered (the patient's too).
    pub over_limit: Balance,
    pub plan_pays: Balance,
    pub denied: Option<DenialReason>,
}

impl LineResult {
    pub fn patient_share(&self) -> Result<Balance> {
        self.deductible
            .checked_add(self.coinsurance)
            .and_then(|s| s.checked_add(self.over_limit))
            .ok_or(Error::Overflow)
    }
}

/// Cost sharing for one approved line, given what is left of the deductible and of the limit.
/// Everything is checked: an overflow is an error, never a wrap.
pub fn share_line(
    allowed: Balance,
    deductible_left: Balance,
    limit_left: Balance,
    coinsurance_bps: u16,
) -> Result<LineResult> {
    let deductible = allowed.min(deductible_left);
    let after_deductible = allowed.checked_sub(deductible).ok_or(Error::Overflow)?;
    let coinsurance = after_deductible
        .checked_mul(Balance::from(coinsurance_bps))
        .ok_or(Error::Overflow)?
        .checked_div(Balance::from(BASIS_POINTS))
        .ok_or(Error::Overflow)?;
    let plan_share = after_deductible
        .checked_sub(coinsurance)
        .ok_or(Error::Overflow)?;
    let plan_pays = plan_share.min(limit_left);
    let over_limit = plan_share.checked_sub(plan_pays).ok_or(Error::Overflow)?;
    Ok(LineResult {
        allowed,
        deductible,
        coinsurance,
        over_limit,
        plan_pays,
        denied: None,
    })
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
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

#[derive(Clone, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub struct Claim {
    pub id: ClaimId,
    pub policy: PolicyId,
    pub patient: PatientId,
    pub provider: AccountId,
    pub insurer: AccountId,
    /// The record anchor that supports the claim (its disclosure to the insurer was consented).
    pub record: RecordId,
    pub lines: Vec<ClaimLine>,
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
    pub replaces: Option<ClaimId>,
    pub replaced_by: Option<ClaimId>,
    pub settled_at: Option<Timestamp>,
}

/// What a submission did.
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(feature = "std", derive(scale_info::TypeInfo))]
pub enum SubmitOutcome {
    Submitted(ClaimId),
    /// The patient's consent does not permit the insurer the payment purpose for the record:
    /// no claim was made; the refused disclosure is in the audit log at `audit_seq`.
    ConsentDenied {
        audit_seq: u64,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deductible_then_coinsurance_then_limit() {
        // 1000 allowed, 300 deductible left, 20 % co-insurance, plenty of limit.
        let r = share_line(1000, 300, 1_000_000, 2000).unwrap();
        assert_eq!(
            (r.deductible, r.coinsurance, r.plan_pays, r.over_limit),
            (300, 140, 560, 0)
        );
        assert_eq!(r.patient_share().unwrap() + r.plan_pays, 1000);
        // The limit caps what the plan pays; the rest is the patient's.
        let r = share_line(1000, 0, 500, 2000).unwrap();
        assert_eq!(
            (r.plan_pays, r.over_limit, r.patient_share().unwrap()),
            (500, 300, 500)
        );
        // Zero allowed, full deductible, 100 % co-insurance.
        assert_eq!(share_line(0, 10, 10, 2000).unwrap().plan_pays, 0);
        assert_eq!(share_line(50, 100, 10, 0).unwrap().deductible, 50);
        assert_eq!(share_line(50, 0, 100, 10_000).unwrap().plan_pays, 0);
        // Co-insurance rounds down (in the patient's favour, by less than one unit); nothing is lost.
        let r = share_line(3, 0, 100, 3333).unwrap();
        assert_eq!(r.coinsurance + r.plan_pays, 3);
    }

    #[test]
    fn overflow_is_an_error() {
        assert_eq!(share_line(u128::MAX, 0, u128::MAX, 2), Err(Error::Overflow));
        let r = share_line(u128::MAX, 0, u128::MAX, 0).unwrap();
        assert_eq!(r.plan_pays, u128::MAX);
        assert_eq!(r.patient_share().unwrap(), 0);
    }
}
