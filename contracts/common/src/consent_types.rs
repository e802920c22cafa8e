//! Types of the consent contract: grants, record anchors, break-glass sessions.

// parity-scale-codec's derive casts variant indices (`usize` literals) to `u8` for enums whose
// variants carry data; clippy's cast lint (denied by cargo-contract) flags that generated code.
#![allow(clippy::cast_possible_truncation)]

use crate::audit::{AccessBasis, AuditOutcome, DenyReason};
use crate::ids::{Digest, EmergencyId, EncryptedLocator, GrantId, PatientId, RecordId, Timestamp};
use crate::traits::Decision;
use crate::vocab::{CategorySet, DataCategory, Purpose, PurposeSet};
use ink::primitives::AccountId;

/// Most live grants one patient may have for one grantee (or for "anyone"). Checking access reads
/// at most two such lists, so its cost does not depend on how many grants exist in total.
pub const MAX_GRANTS_PER_GRANTEE: usize = 8;
/// Most requests one batched access check may carry.
pub const MAX_ACCESS_BATCH: usize = 16;

/// One request of a batched access check.
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(feature = "std", derive(scale_info::TypeInfo))]
pub struct AccessRequest {
    pub category: DataCategory,
    pub purpose: Purpose,
}

/// Shortest and longest break-glass window governance may set.
pub const MIN_EMERGENCY_WINDOW: Timestamp = 3_600_000; // 1 hour
pub const MAX_EMERGENCY_WINDOW: Timestamp = 259_200_000; // 72 hours
pub const DEFAULT_EMERGENCY_WINDOW: Timestamp = 86_400_000; // 24 hours

#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub enum Effect {
    Permit,
    /// Deny wins over any permit that covers the same category, purpose and time.
    Deny,
}

/// Who a grant is for.
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub enum Grantee {
    Account(AccountId),
    /// Every organisation; only deny grants may use this ("no research use of my genomics").
    Anyone,
}

/// Category × purpose × time, with an effect.
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub struct GrantScope {
    pub categories: CategorySet,
    pub purposes: PurposeSet,
    /// Start (inclusive).
    pub valid_from: Timestamp,
    /// End (exclusive); `u64::MAX` for open-ended deny rules.
    pub valid_until: Timestamp,
}

impl GrantScope {
    pub fn covers(&self, category: DataCategory, purpose: Purpose) -> bool {
        self.categories.contains(category) && self.purposes.contains(purpose)
    }

    pub fn valid_at(&self, now: Timestamp) -> bool {
        self.valid_from <= now && now < self.valid_until
    }
}

/// A grant as stored and listed.
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub struct Grant {
    pub id: GrantId,
    pub patient: PatientId,
    /// The patient's registration this grant belongs to.
    pub registration: u64,
    pub grantee: Grantee,
    pub scope: GrantScope,
    pub effect: Effect,
    pub created_by: AccountId,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

/// The compact copy of a live grant that access checks read.
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub struct GrantSlot {
    pub id: GrantId,
    pub registration: u64,
    pub scope: GrantScope,
    pub effect: Effect,
}

/// A medical record anchor: the record itself stays off chain, encrypted.
#[derive(Clone, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub struct RecordAnchor {
    pub meta: RecordMeta,
    pub locator: EncryptedLocator,
}

/// Everything about an anchor except its locator (what anyone may list).
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub struct RecordMeta {
    pub id: RecordId,
    pub patient: PatientId,
    pub registration: u64,
    pub category: DataCategory,
    /// The credentialed provider that wrote this version.
    pub author: AccountId,
    /// SHA-256 of the record's plaintext content.
    pub content_hash: Digest,
    /// 1 for an original, +1 per amendment.
    pub version: u32,
    /// The version this one amends.
    pub amends: Option<RecordId>,
    /// The version that amends this one, once there is one.
    pub superseded_by: Option<RecordId>,
    pub created_at: Timestamp,
}

/// Answer to a record read: the decision, and the locator when granted.
#[derive(Clone, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(feature = "std", derive(scale_info::TypeInfo))]
pub struct RecordAccess {
    pub decision: Decision,
    pub locator: Option<EncryptedLocator>,
}

/// Answer to a record write: the decision, and the new record's id when granted.
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(feature = "std", derive(scale_info::TypeInfo))]
pub struct RecordWrite {
    pub decision: Decision,
    pub record: Option<RecordId>,
}

/// Why the glass was broken.
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub enum EmergencyReason {
    /// The patient is unconscious and cannot consent.
    PatientUnconscious,
    /// Immediate threat to the patient's life or health.
    ThreatToLife,
    /// The patient lacks capacity and no delegate can be reached.
    LacksCapacity,
    /// Mass-casualty or declared public-health emergency.
    MassCasualty,
}

/// A break-glass session.
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub struct Emergency {
    pub id: EmergencyId,
    pub patient: PatientId,
    pub registration: u64,
    pub provider: AccountId,
    pub reason: EmergencyReason,
    pub opened_at: Timestamp,
    pub expires_at: Timestamp,
    pub closed_at: Option<Timestamp>,
    pub closed_by: Option<AccountId>,
}

impl Emergency {
    pub fn is_open(&self, now: Timestamp) -> bool {
        self.closed_at.is_none() && now < self.expires_at
    }
}

/// Everything the access rule needs about a (patient, requester) pair, read once per call.
#[derive(Clone, Debug, Default)]
pub struct DecisionInputs {
    /// The patient's current registration; `None` when the id is not registered.
    pub registration: Option<u64>,
    /// The requester is the patient's controller or an active delegate.
    pub patient_side: bool,
    /// The requester's open break-glass session for this patient, if any.
    pub emergency: Option<(EmergencyId, u64)>,
    /// The requester's roles (empty unless an active organisation).
    pub roles: crate::vocab::RoleSet,
    /// The live grants for the requester and for "anyone".
    pub slots: ink::prelude::vec::Vec<GrantSlot>,
}

/// The access rule. Patient side (controller, delegate) always; an open break-glass session for
/// emergency treatment (over any deny rule); otherwise a role eligible for the purpose and a
/// permit that covers the request with no deny covering it ([`evaluate`]).
pub fn decide(
    basis: &DecisionInputs,
    category: DataCategory,
    purpose: Purpose,
    now: Timestamp,
) -> AuditOutcome {
    let Some(registration) = basis.registration else {
        return AuditOutcome::Denied(DenyReason::PatientNotActive);
    };
    if basis.patient_side {
        return AuditOutcome::Granted(AccessBasis::PatientSide);
    }
    if purpose == Purpose::EmergencyTreatment && basis.roles.contains(crate::vocab::Role::Provider)
    {
        if let Some((id, session_registration)) = basis.emergency {
            if session_registration == registration {
                return AuditOutcome::Granted(AccessBasis::Emergency(id));
            }
        }
    }
    if !purpose.eligible_roles().intersects(basis.roles) {
        return AuditOutcome::Denied(DenyReason::RoleNotEligible);
    }
    evaluate(&basis.slots, registration, category, purpose, now)
}

/// Decide from the live grants of the requester and of "anyone": a deny that covers category and
/// purpose and is valid now wins; otherwise a covering permit valid now grants; otherwise the
/// request is refused (naming a covering permit that is outside its window, if there is one).
/// Grants of an earlier registration of the same patient id never count.
pub fn evaluate<'a>(
    slots: impl IntoIterator<Item = &'a GrantSlot>,
    registration: u64,
    category: DataCategory,
    purpose: Purpose,
    now: Timestamp,
) -> AuditOutcome {
    let mut permit = None;
    let mut outside = None;
    for slot in slots {
        if slot.registration != registration || !slot.scope.covers(category, purpose) {
            continue;
        }
        match (slot.effect, slot.scope.valid_at(now)) {
            (Effect::Deny, true) => {
                return AuditOutcome::Denied(DenyReason::DeniedByPatient(slot.id))
            }
            (Effect::Permit, true) => permit = permit.or(Some(slot.id)),
            (Effect::Permit, false) => outside = outside.or(Some(slot.id)),
            (Effect::Deny, false) => {}
        }
    }
    match (permit, outside) {
        (Some(id), _) => AuditOutcome::Granted(AccessBasis::Consent(id)),
        (None, Some(id)) => AuditOutcome::Denied(DenyReason::OutsideValidity(id)),
        (None, None) => AuditOutcome::Denied(DenyReason::NoConsent),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(id: GrantId, effect: Effect, from: Timestamp, until: Timestamp) -> GrantSlot {
        GrantSlot {
            id,
            registration: 1,
            scope: GrantScope {
                categories: CategorySet::of(&[DataCategory::Laboratory, DataCategory::Imaging]),
                purposes: PurposeSet::of(&[Purpose::Treatment]),
                valid_from: from,
                valid_until: until,
            },
            effect,
        }
    }

    const LAB: DataCategory = DataCategory::Laboratory;
    const TREAT: Purpose = Purpose::Treatment;

    #[test]
    fn deny_wins_over_permit() {
        let slots = [
            slot(1, Effect::Permit, 0, 100),
            slot(2, Effect::Deny, 0, 100),
        ];
        assert_eq!(
            evaluate(&slots, 1, LAB, TREAT, 50),
            AuditOutcome::Denied(DenyReason::DeniedByPatient(2))
        );
        // Once the deny's window is over, the permit applies again.
        let slots = [
            slot(1, Effect::Permit, 0, 100),
            slot(2, Effect::Deny, 0, 40),
        ];
        assert_eq!(
            evaluate(&slots, 1, LAB, TREAT, 50),
            AuditOutcome::Granted(AccessBasis::Consent(1))
        );
    }

    #[test]
    fn patient_side_emergency_and_roles() {
        let provider = crate::vocab::RoleSet::of(&[crate::vocab::Role::Provider]);
        let deny_all = GrantSlot {
            id: 9,
            registration: 1,
            scope: GrantScope {
                categories: CategorySet::of(&DataCategory::ALL),
                purposes: PurposeSet::of(&Purpose::ALL),
                valid_from: 0,
                valid_until: u64::MAX,
            },
            effect: Effect::Deny,
        };
        let mut inputs = DecisionInputs {
            registration: Some(1),
            patient_side: false,
            emergency: Some((4, 1)),
            roles: provider,
            slots: ink::prelude::vec![deny_all],
        };
        // Break-glass wins over deny, for emergency treatment only.
        assert_eq!(
            decide(&inputs, LAB, Purpose::EmergencyTreatment, 5),
            AuditOutcome::Granted(AccessBasis::Emergency(4))
        );
        assert_eq!(
            decide(&inputs, LAB, TREAT, 5),
            AuditOutcome::Denied(DenyReason::DeniedByPatient(9))
        );
        // A session of an earlier registration does not count.
        inputs.emergency = Some((4, 0));
        assert_eq!(
            decide(&inputs, LAB, Purpose::EmergencyTreatment, 5),
            AuditOutcome::Denied(DenyReason::DeniedByPatient(9))
        );
        assert_eq!(
            decide(&inputs, LAB, Purpose::Research, 5),
            AuditOutcome::Denied(DenyReason::RoleNotEligible)
        );
        inputs.patient_side = true;
        assert_eq!(
            decide(&inputs, LAB, Purpose::Research, 5),
            AuditOutcome::Granted(AccessBasis::PatientSide)
        );
        inputs.registration = None;
        assert_eq!(
            decide(&inputs, LAB, TREAT, 5),
            AuditOutcome::Denied(DenyReason::PatientNotActive)
        );
    }

    #[test]
    fn window_scope_and_registration() {
        let slots = [slot(1, Effect::Permit, 10, 100)];
        assert_eq!(
            evaluate(&slots, 1, LAB, TREAT, 9),
            AuditOutcome::Denied(DenyReason::OutsideValidity(1))
        );
        assert!(evaluate(&slots, 1, LAB, TREAT, 10).is_granted());
        assert!(evaluate(&slots, 1, LAB, TREAT, 99).is_granted());
        assert_eq!(
            evaluate(&slots, 1, LAB, TREAT, 100),
            AuditOutcome::Denied(DenyReason::OutsideValidity(1))
        );
        assert_eq!(
            evaluate(&slots, 1, DataCategory::Genomics, TREAT, 50),
            AuditOutcome::Denied(DenyReason::NoConsent)
        );
        assert_eq!(
            evaluate(&slots, 1, LAB, Purpose::Research, 50),
            AuditOutcome::Denied(DenyReason::NoConsent)
        );
        assert_eq!(
            evaluate(&slots, 2, LAB, TREAT, 50),
            AuditOutcome::Denied(DenyReason::NoConsent)
        );
    }
}
