#![cfg_attr(not(feature = "std"), no_std, no_main)]

//! Identity registry: credentialed organisations and pseudonymous patients.
//!
//! - Organisations are registered by governance with one or more roles and the hash of their
//!   credential; they can be suspended (no role while suspended), reinstated and revoked (for good).
//! - Patients register themselves with a random 32-byte id chosen by their client and an encryption
//!   public key. Nothing else about the person is stored. The patient's controller account rotates
//!   the key, moves control to another account (two steps), names delegates who may manage consent,
//!   and names recovery guardians who can together move control when the key is lost (after a
//!   delay during which the controller can cancel).
//! - Deregistration removes every patient-keyed entry (crypto-shredding happens off chain).
//!
//! The registry calls no other contract. Other contracts read it through `IdentityView`.

#[ink::contract]
mod registry {
    use carechain_common::events::registry::*;
    use carechain_common::{
        ensure_nonzero, AccessContext, ControlChange, Delegate, DelegateKind, Digest,
        EncryptionKey, Error, Governance, GovernanceInfo, Governed, IdentityView, ManagerKind,
        OrgStatus, Organisation, Patient, PatientId, Recovery, Result, Role, RoleSet,
        DEFAULT_RECOVERY_DELAY, MAX_DELEGATES, MAX_GUARDIANS, MAX_RECOVERY_DELAY,
        MIN_RECOVERY_DELAY, RECOVERY_APPROVAL_WINDOW,
    };
    use ink::prelude::vec::Vec;
    use ink::storage::Mapping;

    #[ink(storage)]
    pub struct Registry {
        gov: Governance,
        orgs: Mapping<AccountId, Organisation>,
        patients: Mapping<PatientId, Patient>,
        controller_of: Mapping<AccountId, PatientId>,
        recoveries: Mapping<PatientId, Recovery>,
        /// Registrations so far; the next patient gets this plus one.
        registrations: u64,
        /// Time between a recovery reaching its threshold and the new controller taking over.
        recovery_delay: Timestamp,
    }

    // A constructor reads the caller; a `Default` impl would hide that.
    #[allow(clippy::new_without_default)]
    impl Registry {
        /// The instantiating account becomes admin.
        #[ink(constructor)]
        pub fn new() -> Self {
            Self {
                gov: Governance::new(Self::env().caller()),
                orgs: Mapping::default(),
                patients: Mapping::default(),
                controller_of: Mapping::default(),
                recoveries: Mapping::default(),
                registrations: 0,
                recovery_delay: DEFAULT_RECOVERY_DELAY,
            }
        }

        // ---------------------------------------------------------------- organisations

        /// Governance: credential `account` with `roles`; `credential` is the SHA-256 of its licence.
        #[ink(message)]
        pub fn register_organisation(
            &mut self,
            account: AccountId,
            roles: RoleSet,
            credential: Digest,
        ) -> Result<()> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            self.gov.ensure_governor(&caller)?;
            ensure_nonzero(&account)?;
            Self::validate_org(roles, credential)?;
            if let Some(existing) = self.orgs.get(account) {
                return Err(if existing.status == OrgStatus::Revoked {
                    Error::OrganisationRevoked
                } else {
                    Error::OrganisationExists
                });
            }
            if self.controller_of.contains(account) {
                return Err(Error::AccountInUse);
            }
            self.orgs.insert(
                account,
                &Organisation {
                    roles,
                    credential,
                    status: OrgStatus::Active,
                    since: self.env().block_timestamp(),
                },
            );
            self.env().emit_event(OrganisationRegistered {
                account,
                roles,
                credential,
                by: caller,
            });
            Ok(())
        }

        /// Governance: change roles or credential (licence renewal) of an organisation that is
        /// not revoked.
        #[ink(message)]
        pub fn update_organisation(
            &mut self,
            account: AccountId,
            roles: RoleSet,
            credential: Digest,
        ) -> Result<()> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            self.gov.ensure_governor(&caller)?;
            Self::validate_org(roles, credential)?;
            let mut org = self.org_not_revoked(&account)?;
            org.roles = roles;
            org.credential = credential;
            self.orgs.insert(account, &org);
            self.env().emit_event(OrganisationUpdated {
                account,
                roles,
                credential,
                by: caller,
            });
            Ok(())
        }

        /// Governance: an active organisation loses its roles until reinstated.
        #[ink(message)]
        pub fn suspend_organisation(&mut self, account: AccountId) -> Result<()> {
            self.set_org_status(account, &[OrgStatus::Active], OrgStatus::Suspended)
        }

        /// Governance: a suspended organisation gets its roles back.
        #[ink(message)]
        pub fn reinstate_organisation(&mut self, account: AccountId) -> Result<()> {
            self.set_org_status(account, &[OrgStatus::Suspended], OrgStatus::Active)
        }

        /// Governance: an organisation loses its roles for good.
        #[ink(message)]
        pub fn revoke_organisation(&mut self, account: AccountId) -> Result<()> {
            self.set_org_status(
                account,
                &[OrgStatus::Active, OrgStatus::Suspended],
                OrgStatus::Revoked,
            )
        }

        #[ink(message)]
        pub fn organisation(&self, account: AccountId) -> Option<Organisation> {
            self.orgs.get(account)
        }

        // ---------------------------------------------------------------- patients

        /// The caller registers as a patient's controller. `patient` must be 32 random bytes
        /// from the client (never derived from personal data); `key` is the client's X25519
        /// public key.
        #[ink(message)]
        pub fn register_patient(&mut self, patient: PatientId, key: EncryptionKey) -> Result<u64> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            if !patient.is_valid() {
                return Err(Error::InvalidPatientId);
            }
            if !key.is_valid() {
                return Err(Error::InvalidKey);
            }
            if self.patients.contains(patient) {
                return Err(Error::PatientExists);
            }
            self.ensure_free_for_control(&caller)?;
            let registration = self.registrations.checked_add(1).ok_or(Error::Overflow)?;
            self.registrations = registration;
            self.patients.insert(
                patient,
                &Patient {
                    controller: caller,
                    key,
                    registration,
                    registered_at: self.env().block_timestamp(),
                    pending_controller: None,
                    delegates: Vec::new(),
                    guardians: Vec::new(),
                    threshold: 0,
                },
            );
            self.controller_of.insert(caller, &patient);
            self.env().emit_event(PatientRegistered {
                patient,
                controller: caller,
                registration,
                key,
            });
            Ok(registration)
        }

        /// Controller: publish a new encryption key.
        #[ink(message)]
        pub fn rotate_key(&mut self, patient: PatientId, key: EncryptionKey) -> Result<()> {
            let mut record = self.controlled(patient)?;
            if !key.is_valid() {
                return Err(Error::InvalidKey);
            }
            record.key = key;
            self.patients.insert(patient, &record);
            self.env().emit_event(PatientKeyRotated { patient, key });
            Ok(())
        }

        /// Controller: propose `proposed` as the new controller (step one of two), or withdraw a
        /// pending proposal with `None`.
        #[ink(message)]
        pub fn propose_controller(
            &mut self,
            patient: PatientId,
            proposed: Option<AccountId>,
        ) -> Result<()> {
            let mut record = self.controlled(patient)?;
            match proposed {
                Some(account) => {
                    if account == record.controller {
                        return Err(Error::AlreadyController);
                    }
                    self.ensure_free_for_control(&account)?;
                }
                None if record.pending_controller.is_none() => {
                    return Err(Error::NoPendingTransfer)
                }
                None => {}
            }
            record.pending_controller = proposed;
            self.patients.insert(patient, &record);
            self.env()
                .emit_event(ControlTransferProposed { patient, proposed });
            Ok(())
        }

        /// The proposed account takes control (step two).
        #[ink(message)]
        pub fn accept_control(&mut self, patient: PatientId) -> Result<()> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            let record = self.patients.get(patient).ok_or(Error::PatientNotFound)?;
            match record.pending_controller {
                None => return Err(Error::NoPendingTransfer),
                Some(pending) if pending != caller => return Err(Error::NotPendingAccount),
                Some(_) => {}
            }
            self.ensure_free_for_control(&caller)?;
            self.move_control(patient, record, caller, ControlChange::Transfer);
            Ok(())
        }

        /// Controller: let `account` manage consent for the patient until `until` (exclusive),
        /// or until removed when `None`. Expired delegations are pruned first.
        #[ink(message)]
        pub fn add_delegate(
            &mut self,
            patient: PatientId,
            account: AccountId,
            kind: DelegateKind,
            until: Option<Timestamp>,
        ) -> Result<()> {
            let mut record = self.controlled(patient)?;
            ensure_nonzero(&account)?;
            let now = self.env().block_timestamp();
            if until.is_some_and(|end| end <= now) {
                return Err(Error::InvalidWindow);
            }
            if account == record.controller || self.orgs.contains(account) {
                return Err(Error::AccountInUse);
            }
            record.delegates.retain(|d| d.is_active(now));
            if record.delegates.iter().any(|d| d.account == account) {
                return Err(Error::DelegateExists);
            }
            if record.delegates.len() >= MAX_DELEGATES {
                return Err(Error::TooMany);
            }
            record.delegates.push(Delegate {
                account,
                kind,
                until,
            });
            self.patients.insert(patient, &record);
            self.env().emit_event(DelegateAdded {
                patient,
                delegate: account,
                kind,
                until,
            });
            Ok(())
        }

        /// Controller, or the delegate itself (stepping down): end a delegation.
        #[ink(message)]
        pub fn remove_delegate(&mut self, patient: PatientId, account: AccountId) -> Result<()> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            let mut record = self.patients.get(patient).ok_or(Error::PatientNotFound)?;
            if caller != record.controller && caller != account {
                return Err(Error::NotController);
            }
            let position = record
                .delegates
                .iter()
                .position(|d| d.account == account)
                .ok_or(Error::DelegateNotFound)?;
            record.delegates.remove(position);
            self.patients.insert(patient, &record);
            self.env().emit_event(DelegateRemoved {
                patient,
                delegate: account,
                by: caller,
            });
            Ok(())
        }

        /// Controller: name the recovery guardians and how many of them must approve a recovery.
        /// An empty list with threshold 0 turns recovery off. Any recovery under way is cancelled.
        #[ink(message)]
        pub fn set_guardians(
            &mut self,
            patient: PatientId,
            guardians: Vec<AccountId>,
            threshold: u8,
        ) -> Result<()> {
            let caller = self.env().caller();
            let mut record = self.controlled(patient)?;
            if guardians.len() > MAX_GUARDIANS {
                return Err(Error::TooMany);
            }
            for (i, guardian) in guardians.iter().enumerate() {
                ensure_nonzero(guardian)?;
                if *guardian == record.controller {
                    return Err(Error::AccountInUse);
                }
                if guardians
                    .iter()
                    .skip(i.saturating_add(1))
                    .any(|g| g == guardian)
                {
                    return Err(Error::GuardianExists);
                }
            }
            let count = guardians.len();
            let threshold_ok = if count == 0 {
                threshold == 0
            } else {
                threshold >= 1 && usize::from(threshold) <= count
            };
            if !threshold_ok {
                return Err(Error::InvalidThreshold);
            }
            record.guardians = guardians.clone();
            record.threshold = threshold;
            self.patients.insert(patient, &record);
            if self.recoveries.contains(patient) {
                self.recoveries.remove(patient);
                self.env().emit_event(RecoveryCancelled {
                    patient,
                    by: caller,
                });
            }
            self.env().emit_event(GuardiansSet {
                patient,
                guardians,
                threshold,
            });
            Ok(())
        }

        /// Guardian: approve moving control of the patient to `new_controller`. The first
        /// approval opens the recovery; a guardian backs one candidate at a time; the first
        /// candidate that `threshold` guardians back may complete after the recovery delay.
        /// Approvals that have not reached the threshold `RECOVERY_APPROVAL_WINDOW` after the
        /// first one lapse.
        #[ink(message)]
        pub fn approve_recovery(
            &mut self,
            patient: PatientId,
            new_controller: AccountId,
        ) -> Result<u8> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            let record = self.patients.get(patient).ok_or(Error::PatientNotFound)?;
            let index = record.guardian_index(&caller).ok_or(Error::NotGuardian)?;
            if new_controller == record.controller {
                return Err(Error::AlreadyController);
            }
            self.ensure_free_for_control(&new_controller)?;
            let now = self.env().block_timestamp();
            let mut recovery = match self.recoveries.get(patient) {
                Some(r)
                    if r.chosen.is_some()
                        || now < r.started_at.saturating_add(RECOVERY_APPROVAL_WINDOW) =>
                {
                    r
                }
                _ => Recovery::new(now),
            };
            if let Some((chosen, _)) = recovery.chosen {
                if chosen != new_controller {
                    return Err(Error::RecoveryConflict);
                }
            }
            let bit = 1u8.wrapping_shl(u32::try_from(index).map_err(|_| Error::Overflow)?);
            let approvals = recovery
                .approve(bit, new_controller)
                .ok_or(Error::AlreadyApproved)?;
            if recovery.chosen.is_none() && approvals >= record.threshold {
                let ready_at = now
                    .checked_add(self.recovery_delay)
                    .ok_or(Error::Overflow)?;
                recovery.chosen = Some((new_controller, ready_at));
            }
            let ready_at = recovery
                .chosen
                .filter(|(chosen, _)| *chosen == new_controller)
                .map(|(_, at)| at);
            self.recoveries.insert(patient, &recovery);
            self.env().emit_event(RecoveryApproved {
                patient,
                guardian: caller,
                new_controller,
                approvals,
                ready_at,
            });
            Ok(approvals)
        }

        /// The recovery's chosen new controller takes control once the delay has passed.
        #[ink(message)]
        pub fn complete_recovery(&mut self, patient: PatientId) -> Result<()> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            let record = self.patients.get(patient).ok_or(Error::PatientNotFound)?;
            let recovery = self.recoveries.get(patient).ok_or(Error::NoRecovery)?;
            match recovery.chosen {
                Some((chosen, at)) if chosen == caller => {
                    if self.env().block_timestamp() < at {
                        return Err(Error::RecoveryNotReady);
                    }
                }
                None if recovery.approvals_for(&caller) > 0 => return Err(Error::RecoveryNotReady),
                _ => return Err(Error::NotPendingAccount),
            }
            self.ensure_free_for_control(&caller)?;
            self.move_control(patient, record, caller, ControlChange::Recovery);
            Ok(())
        }

        /// Controller: stop a recovery under way (the key was not lost after all).
        #[ink(message)]
        pub fn cancel_recovery(&mut self, patient: PatientId) -> Result<()> {
            let caller = self.env().caller();
            self.controlled(patient)?;
            if !self.recoveries.contains(patient) {
                return Err(Error::NoRecovery);
            }
            self.recoveries.remove(patient);
            self.env().emit_event(RecoveryCancelled {
                patient,
                by: caller,
            });
            Ok(())
        }

        /// Controller: erase the patient. Every patient-keyed entry of the registry goes; the
        /// storage deposit comes back to the caller. Grants and anchors held elsewhere are keyed
        /// to the registration number and never apply to a later registration of the same id.
        #[ink(message)]
        pub fn deregister_patient(&mut self, patient: PatientId) -> Result<()> {
            let record = self.controlled(patient)?;
            self.patients.remove(patient);
            self.controller_of.remove(record.controller);
            if self.recoveries.contains(patient) {
                self.recoveries.remove(patient);
                self.env().emit_event(RecoveryCancelled {
                    patient,
                    by: record.controller,
                });
            }
            self.env().emit_event(PatientDeregistered {
                patient,
                registration: record.registration,
            });
            Ok(())
        }

        #[ink(message)]
        pub fn patient(&self, patient: PatientId) -> Option<Patient> {
            self.patients.get(patient)
        }

        #[ink(message)]
        pub fn patient_of(&self, controller: AccountId) -> Option<PatientId> {
            self.controller_of.get(controller)
        }

        #[ink(message)]
        pub fn recovery(&self, patient: PatientId) -> Option<Recovery> {
            self.recoveries.get(patient)
        }

        #[ink(message)]
        pub fn registrations(&self) -> u64 {
            self.registrations
        }

        #[ink(message)]
        pub fn recovery_delay(&self) -> Timestamp {
            self.recovery_delay
        }

        /// Governance: set the recovery delay (1 to 30 days).
        #[ink(message)]
        pub fn set_recovery_delay(&mut self, delay: Timestamp) -> Result<()> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            self.gov.ensure_governor(&caller)?;
            if !(MIN_RECOVERY_DELAY..=MAX_RECOVERY_DELAY).contains(&delay) {
                return Err(Error::InvalidWindow);
            }
            self.recovery_delay = delay;
            self.env()
                .emit_event(RecoveryDelayChanged { delay, by: caller });
            Ok(())
        }

        // ---------------------------------------------------------------- internals

        fn validate_org(roles: RoleSet, credential: Digest) -> Result<()> {
            if !roles.is_valid() {
                return Err(Error::InvalidSet);
            }
            if credential.is_zero() {
                return Err(Error::InvalidCredential);
            }
            Ok(())
        }

        fn org_not_revoked(&self, account: &AccountId) -> Result<Organisation> {
            let org = self.orgs.get(account).ok_or(Error::OrganisationNotFound)?;
            if org.status == OrgStatus::Revoked {
                return Err(Error::OrganisationRevoked);
            }
            Ok(org)
        }

        fn set_org_status(
            &mut self,
            account: AccountId,
            from: &[OrgStatus],
            to: OrgStatus,
        ) -> Result<()> {
            let caller = self.env().caller();
            // A pause never stops a restriction: suspending or revoking an organisation is
            // what an incident needs; giving roles back waits for the unpause.
            if to == OrgStatus::Active {
                self.gov.ensure_not_paused()?;
            }
            self.gov.ensure_governor(&caller)?;
            let mut org = self.org_not_revoked(&account)?;
            if !from.contains(&org.status) {
                return Err(Error::OrganisationWrongState);
            }
            org.status = to;
            self.orgs.insert(account, &org);
            self.env().emit_event(OrganisationStatusChanged {
                account,
                status: to,
                by: caller,
            });
            Ok(())
        }

        /// Not paused, patient exists, caller is its controller.
        fn controlled(&self, patient: PatientId) -> Result<Patient> {
            self.gov.ensure_not_paused()?;
            let record = self.patients.get(patient).ok_or(Error::PatientNotFound)?;
            if record.controller != self.env().caller() {
                return Err(Error::NotController);
            }
            Ok(record)
        }

        /// An account may take control of a patient if it is real, controls no patient and is
        /// not an organisation.
        fn ensure_free_for_control(&self, account: &AccountId) -> Result<()> {
            ensure_nonzero(account)?;
            if self.controller_of.contains(account) {
                return Err(Error::AlreadyController);
            }
            if self.orgs.contains(account) {
                return Err(Error::AccountInUse);
            }
            Ok(())
        }

        /// Hand control to `new`. The new controller stops being a delegate or guardian of its
        /// own record (the threshold shrinks with the guardian list); a pending proposal or
        /// recovery ends.
        fn move_control(
            &mut self,
            patient: PatientId,
            mut record: Patient,
            new: AccountId,
            via: ControlChange,
        ) {
            let previous = record.controller;
            self.controller_of.remove(previous);
            self.controller_of.insert(new, &patient);
            record.controller = new;
            record.pending_controller = None;
            record.delegates.retain(|d| d.account != new);
            record.guardians.retain(|g| *g != new);
            let remaining = u8::try_from(record.guardians.len()).unwrap_or(u8::MAX);
            record.threshold = record.threshold.min(remaining);
            self.patients.insert(patient, &record);
            self.recoveries.remove(patient);
            self.env().emit_event(ControlTransferred {
                patient,
                controller: new,
                previous,
                via,
            });
        }
    }

    impl IdentityView for Registry {
        #[ink(message)]
        fn roles_of(&self, account: AccountId) -> RoleSet {
            self.orgs
                .get(account)
                .map(|org| org.effective_roles())
                .unwrap_or_default()
        }

        #[ink(message)]
        fn roles_of_pair(&self, first: AccountId, second: AccountId) -> (RoleSet, RoleSet) {
            (self.roles_of(first), self.roles_of(second))
        }

        #[ink(message)]
        fn has_role(&self, account: AccountId, role: Role) -> bool {
            self.roles_of(account).contains(role)
        }

        #[ink(message)]
        fn patient_registration(&self, patient: PatientId) -> Option<u64> {
            self.patients.get(patient).map(|p| p.registration)
        }

        #[ink(message)]
        fn is_patient_manager(&self, patient: PatientId, account: AccountId) -> bool {
            self.access_context(patient, account).manager.is_some()
        }

        #[ink(message)]
        fn access_context(&self, patient: PatientId, account: AccountId) -> AccessContext {
            let now = self.env().block_timestamp();
            let record = self.patients.get(patient);
            let manager = record.as_ref().and_then(|p| {
                if p.controller == account {
                    Some(ManagerKind::Controller)
                } else if p.active_delegate(&account, now) && !self.orgs.contains(account) {
                    // An organisation never manages a patient's consent as a delegate, even
                    // if it became one before it was credentialed: its powers come from its
                    // roles, which suspension takes away.
                    Some(ManagerKind::Delegate)
                } else {
                    None
                }
            });
            AccessContext {
                registration: record.map(|p| p.registration),
                roles: self.roles_of(account),
                manager,
            }
        }
    }

    impl Governed for Registry {
        #[ink(message)]
        fn governance(&self) -> GovernanceInfo {
            self.gov.info()
        }
        #[ink(message)]
        fn is_governor(&self, account: AccountId) -> bool {
            self.gov.is_governor(&account)
        }
        #[ink(message)]
        fn propose_admin(&mut self, proposed: AccountId) -> Result<()> {
            self.gov.propose_admin(self.env().caller(), proposed)
        }
        #[ink(message)]
        fn accept_admin(&mut self) -> Result<()> {
            self.gov.accept_admin(self.env().caller())
        }
        #[ink(message)]
        fn add_governor(&mut self, account: AccountId) -> Result<()> {
            self.gov.add_governor(self.env().caller(), account)
        }
        #[ink(message)]
        fn remove_governor(&mut self, account: AccountId) -> Result<()> {
            self.gov.remove_governor(self.env().caller(), account)
        }
        #[ink(message)]
        fn set_paused(&mut self, paused: bool) -> Result<()> {
            self.gov.set_paused(self.env().caller(), paused)
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use ink::env::test::{default_accounts, set_block_timestamp, set_caller};
        use ink::env::DefaultEnvironment as Env;

        fn pid(n: u8) -> PatientId {
            PatientId([n; 32])
        }
        fn key(n: u8) -> EncryptionKey {
            EncryptionKey([n; 32])
        }

        #[ink::test]
        fn recovery_threshold_and_delay() {
            let a = default_accounts::<Env>();
            set_caller::<Env>(a.alice);
            let mut reg = Registry::new();
            set_caller::<Env>(a.bob);
            reg.register_patient(pid(1), key(1)).unwrap();
            reg.set_guardians(pid(1), vec![a.charlie, a.django, a.eve], 2)
                .unwrap();
            set_caller::<Env>(a.charlie);
            assert_eq!(reg.approve_recovery(pid(1), a.frank), Ok(1));
            assert_eq!(
                reg.approve_recovery(pid(1), a.frank),
                Err(Error::AlreadyApproved)
            );
            // Another guardian backs a different candidate: a second candidate, not a block.
            set_caller::<Env>(a.django);
            assert_eq!(reg.approve_recovery(pid(1), a.eve), Ok(1));
            assert_eq!(reg.recovery(pid(1)).unwrap().candidates.len(), 2);
            // ... and moves its vote: frank reaches the threshold and is chosen.
            set_block_timestamp::<Env>(1_000);
            assert_eq!(reg.approve_recovery(pid(1), a.frank), Ok(2));
            let recovery = reg.recovery(pid(1)).unwrap();
            assert_eq!(recovery.candidates, vec![(a.frank, 0b11)]);
            let ready = recovery.chosen.unwrap().1;
            assert_eq!(ready, 1_000 + DEFAULT_RECOVERY_DELAY);
            // Once chosen, nobody re-opens it for someone else.
            set_caller::<Env>(a.eve);
            assert_eq!(
                reg.approve_recovery(pid(1), a.eve),
                Err(Error::RecoveryConflict)
            );
            set_caller::<Env>(a.frank);
            assert_eq!(reg.complete_recovery(pid(1)), Err(Error::RecoveryNotReady));
            set_block_timestamp::<Env>(ready);
            assert_eq!(reg.complete_recovery(pid(1)), Ok(()));
            assert_eq!(reg.patient(pid(1)).unwrap().controller, a.frank);
            assert_eq!(reg.patient_of(a.frank), Some(pid(1)));
            assert_eq!(reg.patient_of(a.bob), None);
            assert_eq!(reg.recovery(pid(1)), None);
        }

        #[ink::test]
        fn undecided_recovery_approvals_lapse() {
            let a = default_accounts::<Env>();
            set_caller::<Env>(a.alice);
            let mut reg = Registry::new();
            set_caller::<Env>(a.bob);
            reg.register_patient(pid(3), key(3)).unwrap();
            reg.set_guardians(pid(3), vec![a.charlie, a.django, a.eve], 2)
                .unwrap();
            set_caller::<Env>(a.charlie);
            assert_eq!(reg.approve_recovery(pid(3), a.frank), Ok(1));
            set_caller::<Env>(a.django);
            set_block_timestamp::<Env>(RECOVERY_APPROVAL_WINDOW - 1);
            assert_eq!(reg.approve_recovery(pid(3), a.eve), Ok(1));
            // Two weeks after the first approval, the old approvals no longer count.
            set_caller::<Env>(a.eve);
            set_block_timestamp::<Env>(RECOVERY_APPROVAL_WINDOW);
            assert_eq!(reg.approve_recovery(pid(3), a.frank), Ok(1));
            let recovery = reg.recovery(pid(3)).unwrap();
            assert_eq!(recovery.started_at, RECOVERY_APPROVAL_WINDOW);
            assert_eq!(recovery.candidates, vec![(a.frank, 0b100)]);
            assert_eq!(recovery.chosen, None);
        }

        #[ink::test]
        fn control_moves_drop_self_delegation_and_shrink_threshold() {
            let a = default_accounts::<Env>();
            set_caller::<Env>(a.alice);
            let mut reg = Registry::new();
            set_caller::<Env>(a.bob);
            reg.register_patient(pid(2), key(2)).unwrap();
            reg.add_delegate(pid(2), a.charlie, DelegateKind::Carer, None)
                .unwrap();
            reg.set_guardians(pid(2), vec![a.charlie, a.django], 2)
                .unwrap();
            reg.propose_controller(pid(2), Some(a.charlie)).unwrap();
            set_caller::<Env>(a.charlie);
            reg.accept_control(pid(2)).unwrap();
            let p = reg.patient(pid(2)).unwrap();
            assert_eq!(p.controller, a.charlie);
            assert!(p.delegates.is_empty());
            assert_eq!(p.guardians, vec![a.django]);
            assert_eq!(p.threshold, 1);
        }

        #[ink::test]
        fn delegates_expire() {
            let a = default_accounts::<Env>();
            set_caller::<Env>(a.alice);
            let mut reg = Registry::new();
            set_caller::<Env>(a.bob);
            reg.register_patient(pid(3), key(3)).unwrap();
            set_block_timestamp::<Env>(100);
            assert_eq!(
                reg.add_delegate(pid(3), a.charlie, DelegateKind::Carer, Some(100)),
                Err(Error::InvalidWindow)
            );
            reg.add_delegate(pid(3), a.charlie, DelegateKind::Carer, Some(200))
                .unwrap();
            assert!(reg.is_patient_manager(pid(3), a.charlie));
            set_block_timestamp::<Env>(200);
            assert!(!reg.is_patient_manager(pid(3), a.charlie));
            // The expired delegation is pruned when the next one is added.
            reg.add_delegate(pid(3), a.charlie, DelegateKind::Carer, None)
                .unwrap();
            assert_eq!(reg.patient(pid(3)).unwrap().delegates.len(), 1);
        }
    }
}
