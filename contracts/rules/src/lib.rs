//! The access rule, in one place: patient side (controller, delegate) always; an open break-glass
//! session for emergency treatment (over any deny rule); otherwise a role eligible for the
//! purpose and a permit that covers the request, of the patient's current registration and
//! recovery epoch, with no deny covering it.

#![cfg_attr(not(feature = "std"), no_std)]

use carechain_common::{
    AccessBasis, AuditOutcome, DataCategory, DenyReason, Effect, EmergencyId, GrantSlot,
    PatientCell, PatientId, Purpose, RecordFacts, Role, RoleSet, Session, Timestamp,
};
use ink::prelude::vec::Vec;
use ink::primitives::AccountId;

/// The access contract's projection, where a decision reads it: the contract's own storage, or
/// a reader of that storage (the record gateway re-runs the rule at release).
pub trait Projection {
    /// An organisation's effective roles (`None`: not an organisation).
    fn roles(&mut self, account: &AccountId) -> Option<RoleSet>;
    fn patient_cell(&mut self, patient: &PatientId) -> Option<PatientCell>;
    /// The live grant slots for `grantee`.
    fn slots(&mut self, patient: &PatientId, grantee: &AccountId) -> Vec<GrantSlot>;
    /// `provider`'s break-glass session for `patient`, open or not.
    fn session(&mut self, patient: &PatientId, provider: &AccountId) -> Option<Session>;
}

/// What decisions about one (patient, requester) pair read, once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Context {
    pub patient: Option<(u64, u32)>,
    pub patient_side: bool,
    pub emergency: Option<(EmergencyId, u64)>,
    pub roles: RoleSet,
    pub own: Vec<GrantSlot>,
    pub anyone: Vec<GrantSlot>,
}

impl Context {
    /// Read the context of `requester` asking about `patient` at `now`. `third_party`: a
    /// disclosure to a contract's relying party (the patient side never counts); `emergency`:
    /// the request's purpose is emergency treatment (only then is a session read).
    pub fn read<P: Projection + ?Sized>(
        projection: &mut P,
        patient: &PatientId,
        requester: &AccountId,
        third_party: bool,
        emergency: bool,
        now: Timestamp,
    ) -> Context {
        let org = projection.roles(requester);
        let roles = org.unwrap_or_default();
        let mut context = Context {
            patient: None,
            patient_side: false,
            emergency: None,
            roles,
            own: Vec::new(),
            anyone: Vec::new(),
        };
        let Some(cell) = projection.patient_cell(patient) else {
            return context;
        };
        context.patient = Some((cell.facts.registration, cell.facts.epoch));
        // An organisation never manages a patient's consent as a delegate.
        context.patient_side =
            !third_party && org.is_none() && cell.facts.manager(requester, now).is_some();
        if context.patient_side {
            return context;
        }
        // A patient who refuses break-glass has no session that counts.
        if emergency && roles.contains(Role::Provider) && !cell.facts.refuses_break_glass {
            context.emergency = projection
                .session(patient, requester)
                .filter(|session| now < session.expires_at)
                .map(|session| (session.id, session.registration));
        }
        context.own = projection.slots(patient, requester);
        context.anyone = cell.anyone;
        context
    }

    pub fn inputs(&self) -> Inputs<'_> {
        Inputs {
            patient: self.patient,
            patient_side: self.patient_side,
            emergency: self.emergency,
            roles: self.roles,
            own: &self.own,
            anyone: &self.anyone,
        }
    }

    pub fn decide(&self, category: DataCategory, purpose: Purpose, now: Timestamp) -> AuditOutcome {
        decide(&self.inputs(), category, purpose, now)
    }

    /// Decide for a record of `registration`: a record of an earlier registration of the id
    /// is never granted.
    pub fn decide_record(
        &self,
        record: &RecordFacts,
        purpose: Purpose,
        now: Timestamp,
    ) -> AuditOutcome {
        if self.patient.map(|(registration, _)| registration) == Some(record.registration) {
            self.decide(record.category, purpose, now)
        } else {
            AuditOutcome::Denied(DenyReason::PatientNotActive)
        }
    }
}

/// `requester`'s read of a record (`facts`, its anchor) for `purpose` at `now`, decided on
/// `projection`: what the access contract's `access_record` decides, and what the record
/// gateway re-runs at release.
pub fn decide_record_read<P: Projection + ?Sized>(
    projection: &mut P,
    facts: &RecordFacts,
    requester: &AccountId,
    purpose: Purpose,
    now: Timestamp,
) -> AuditOutcome {
    let context = Context::read(
        projection,
        &facts.patient,
        requester,
        false,
        purpose == Purpose::EmergencyTreatment,
        now,
    );
    context.decide_record(facts, purpose, now)
}

/// Everything the rule needs about a (patient, requester) pair, read once per call.
#[derive(Clone, Copy, Debug)]
pub struct Inputs<'a> {
    /// The patient's current registration and recovery epoch; `None` when not registered.
    pub patient: Option<(u64, u32)>,
    /// The requester is the patient's controller or an active delegate.
    pub patient_side: bool,
    /// The requester's open break-glass session for this patient: its id and registration.
    pub emergency: Option<(EmergencyId, u64)>,
    /// The requester's roles (empty unless an active organisation).
    pub roles: RoleSet,
    /// The live grants for the requester.
    pub own: &'a [GrantSlot],
    /// The live grants for "anyone" (deny rules).
    pub anyone: &'a [GrantSlot],
}

/// Decide one request.
pub fn decide(
    inputs: &Inputs,
    category: DataCategory,
    purpose: Purpose,
    now: Timestamp,
) -> AuditOutcome {
    let Some((registration, epoch)) = inputs.patient else {
        return AuditOutcome::Denied(DenyReason::PatientNotActive);
    };
    if inputs.patient_side {
        return AuditOutcome::Granted(AccessBasis::PatientSide);
    }
    if purpose == Purpose::EmergencyTreatment && inputs.roles.contains(Role::Provider) {
        if let Some((id, session_registration)) = inputs.emergency {
            if session_registration == registration {
                return AuditOutcome::Granted(AccessBasis::Emergency(id));
            }
        }
    }
    if !purpose.eligible_roles().intersects(inputs.roles) {
        return AuditOutcome::Denied(DenyReason::RoleNotEligible);
    }
    evaluate(
        inputs.own.iter().chain(inputs.anyone.iter()),
        (registration, epoch),
        category,
        purpose,
        now,
    )
}

/// Decide from live grants: a deny that covers category and purpose and is valid now wins;
/// otherwise a covering permit valid now grants; otherwise the request is refused (naming a
/// covering permit that is outside its window, if there is one). Grants of an earlier
/// registration never count; permits of an earlier recovery epoch never count, denials do (a
/// recovery keeps the patient's denials: `carechain_common::grant_in_force`).
pub fn evaluate<'a>(
    slots: impl IntoIterator<Item = &'a GrantSlot>,
    (registration, epoch): (u64, u32),
    category: DataCategory,
    purpose: Purpose,
    now: Timestamp,
) -> AuditOutcome {
    let mut permit = None;
    let mut outside = None;
    for slot in slots {
        if !slot.in_force_for((registration, epoch)) || !slot.scope.covers(category, purpose) {
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
    use carechain_common::{CategorySet, GrantId, GrantScope, PurposeSet};

    fn slot(id: GrantId, effect: Effect, from: Timestamp, until: Timestamp) -> GrantSlot {
        GrantSlot {
            id,
            registration: 1,
            epoch: 0,
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
    const NOW: (u64, u32) = (1, 0);

    #[test]
    fn deny_wins_over_permit() {
        let slots = [
            slot(1, Effect::Permit, 0, 100),
            slot(2, Effect::Deny, 0, 100),
        ];
        assert_eq!(
            evaluate(&slots, NOW, LAB, TREAT, 50),
            AuditOutcome::Denied(DenyReason::DeniedByPatient(2))
        );
        // Once the deny's window is over, the permit applies again.
        let slots = [
            slot(1, Effect::Permit, 0, 100),
            slot(2, Effect::Deny, 0, 40),
        ];
        assert_eq!(
            evaluate(&slots, NOW, LAB, TREAT, 50),
            AuditOutcome::Granted(AccessBasis::Consent(1))
        );
    }

    #[test]
    fn patient_side_emergency_and_roles() {
        let provider = RoleSet::of(&[Role::Provider]);
        let deny_all = [GrantSlot {
            id: 9,
            registration: 1,
            epoch: 0,
            scope: GrantScope {
                categories: CategorySet::of(&DataCategory::ALL),
                purposes: PurposeSet::of(&Purpose::ALL),
                valid_from: 0,
                valid_until: u64::MAX,
            },
            effect: Effect::Deny,
        }];
        let mut inputs = Inputs {
            patient: Some(NOW),
            patient_side: false,
            emergency: Some((4, 1)),
            roles: provider,
            own: &[],
            anyone: &deny_all,
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
        inputs.patient = None;
        assert_eq!(
            decide(&inputs, LAB, TREAT, 5),
            AuditOutcome::Denied(DenyReason::PatientNotActive)
        );
    }

    #[test]
    fn window_scope_registration_and_epoch() {
        let slots = [slot(1, Effect::Permit, 10, 100)];
        assert_eq!(
            evaluate(&slots, NOW, LAB, TREAT, 9),
            AuditOutcome::Denied(DenyReason::OutsideValidity(1))
        );
        assert!(evaluate(&slots, NOW, LAB, TREAT, 10).is_granted());
        // valid_until is exclusive: the last granted millisecond is 99.
        assert!(evaluate(&slots, NOW, LAB, TREAT, 99).is_granted());
        assert_eq!(
            evaluate(&slots, NOW, LAB, TREAT, 100),
            AuditOutcome::Denied(DenyReason::OutsideValidity(1))
        );
        assert_eq!(
            evaluate(&slots, NOW, DataCategory::Genomics, TREAT, 50),
            AuditOutcome::Denied(DenyReason::NoConsent)
        );
        assert_eq!(
            evaluate(&slots, NOW, LAB, Purpose::Research, 50),
            AuditOutcome::Denied(DenyReason::NoConsent)
        );
        // Another registration, or a later recovery epoch: the permit does not count.
        assert_eq!(
            evaluate(&slots, (2, 0), LAB, TREAT, 50),
            AuditOutcome::Denied(DenyReason::NoConsent)
        );
        assert_eq!(
            evaluate(&slots, (1, 1), LAB, TREAT, 50),
            AuditOutcome::Denied(DenyReason::NoConsent)
        );
        // A denial survives a recovery (a later epoch), not a new registration.
        let deny = [
            slot(1, Effect::Permit, 10, 100),
            slot(2, Effect::Deny, 10, 100),
        ];
        let mut fresh_permit = slot(3, Effect::Permit, 10, 100);
        fresh_permit.epoch = 1;
        let slots = [deny[0], deny[1], fresh_permit];
        assert_eq!(
            evaluate(&slots, (1, 1), LAB, TREAT, 50),
            AuditOutcome::Denied(DenyReason::DeniedByPatient(2))
        );
        assert_eq!(
            evaluate(&[fresh_permit], (1, 1), LAB, TREAT, 50),
            AuditOutcome::Granted(AccessBasis::Consent(3))
        );
        assert_eq!(
            evaluate(&deny, (2, 0), LAB, TREAT, 50),
            AuditOutcome::Denied(DenyReason::NoConsent)
        );
    }
}
