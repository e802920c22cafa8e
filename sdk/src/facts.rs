//! Facts derived from what the chain stores, read once here for every view: the CLI's tables,
//! the FHIR exports, the record gateway's release rule and the page (whose TypeScript copy,
//! `sdk-ts/src/facts.ts`, is tested against vectors this module writes; see
//! `tests/tests/ts_interop.rs`).
//!
//! - [`grant_status`]: where a grant stands now — revoked, ended by a recovery or a new
//!   registration, expired, not yet in force, or active — and, for a permit, the patient's deny
//!   rules that limit it ([`limited_by`]).
//! - [`patient_side`]: whether an account acts for a patient (controller or active delegate).
//! - [`basis_stands`]: whether the basis a read was granted on still stands.

use carechain_common::{
    AccessBasis, Effect, Emergency, Grant, GrantId, Grantee, Patient, Timestamp,
};
use ink::primitives::AccountId;

/// Where a grant stands.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum GrantStatus {
    /// It applies now.
    Active,
    /// Its window has not begun.
    NotYetValid,
    /// Its window is over.
    Expired,
    /// It was revoked.
    Revoked,
    /// A permit of an earlier recovery epoch (a completed recovery ends every earlier permit,
    /// whoever made it), a grant of an earlier registration of the patient id, or the patient is
    /// deregistered. A denial survives a recovery.
    Ended,
}

impl GrantStatus {
    /// The word tables and the page show.
    pub fn word(self) -> &'static str {
        match self {
            GrantStatus::Active => "active",
            GrantStatus::NotYetValid => "not yet valid",
            GrantStatus::Expired => "expired",
            GrantStatus::Revoked => "revoked",
            GrantStatus::Ended => "ended by recovery",
        }
    }

    pub fn is_active(self) -> bool {
        self == GrantStatus::Active
    }
}

/// Where `grant` stands at `now`, given its patient's current registration (`None`: the patient
/// id is not registered now). Revocation is reported first, then a grant no longer in force,
/// then the window.
pub fn grant_status(grant: &Grant, patient: Option<&Patient>, now: Timestamp) -> GrantStatus {
    if grant.revoked_at.is_some() {
        return GrantStatus::Revoked;
    }
    // In force: not of an earlier registration, and no permit of an earlier recovery epoch
    // (`carechain_common::grant_in_force`: a recovery keeps the patient's denials).
    let current = patient.is_some_and(|p| grant.in_force_for((p.registration, p.epoch)));
    if !current {
        return GrantStatus::Ended;
    }
    if now < grant.scope.valid_from {
        return GrantStatus::NotYetValid;
    }
    if now >= grant.scope.valid_until {
        return GrantStatus::Expired;
    }
    GrantStatus::Active
}

/// The patient's active deny rules (among `grants`, all of one patient) that cover part of what
/// the permit `grant` allows and apply to its grantee: a deny wins where it covers, so the permit
/// is limited there. Empty for a deny rule, or a permit that is not active.
pub fn limited_by(
    grant: &Grant,
    grants: &[Grant],
    patient: Option<&Patient>,
    now: Timestamp,
) -> Vec<GrantId> {
    if grant.effect != Effect::Permit || !grant_status(grant, patient, now).is_active() {
        return Vec::new();
    }
    grants
        .iter()
        .filter(|deny| {
            deny.effect == Effect::Deny
                && deny.patient == grant.patient
                && (deny.grantee == Grantee::Anyone || deny.grantee == grant.grantee)
                && grant_status(deny, patient, now).is_active()
                && deny.scope.categories.intersects(grant.scope.categories)
                && deny.scope.purposes.intersects(grant.scope.purposes)
        })
        .map(|deny| deny.id)
        .collect()
}

/// Whether `account` acts for `patient` now: its controller, or a delegate whose delegation is
/// active.
pub fn patient_side(patient: &Patient, account: &AccountId, now: Timestamp) -> bool {
    patient.controller == *account || patient.active_delegate(account, now)
}

/// What a granted read rested on, as read from the chain now.
#[derive(Clone, Debug, Default)]
pub struct BasisFacts {
    /// The patient as registered now.
    pub patient: Option<Patient>,
    /// The grant, for a read granted on consent.
    pub grant: Option<Grant>,
    /// The session, for a read granted on break-glass.
    pub emergency: Option<Emergency>,
}

/// Whether the basis a read of `reader` was granted on still stands at `now`; if not, what ended
/// (`"grant"`, `"break-glass session"`, `"patient-side standing"`).
pub fn basis_stands(
    basis: AccessBasis,
    facts: &BasisFacts,
    reader: &AccountId,
    now: Timestamp,
) -> Result<(), &'static str> {
    let stands = match basis {
        AccessBasis::Consent(_) => facts
            .grant
            .as_ref()
            .is_some_and(|g| grant_status(g, facts.patient.as_ref(), now).is_active()),
        AccessBasis::Emergency(_) => facts.emergency.as_ref().is_some_and(|e| e.is_open(now)),
        AccessBasis::PatientSide => facts
            .patient
            .as_ref()
            .is_some_and(|p| patient_side(p, reader, now)),
    };
    if stands {
        return Ok(());
    }
    Err(match basis {
        AccessBasis::Consent(_) => "grant",
        AccessBasis::Emergency(_) => "break-glass session",
        AccessBasis::PatientSide => "patient-side standing",
    })
}
