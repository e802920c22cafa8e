#![cfg_attr(not(feature = "std"), no_std, no_main)]

//! Identity registry: credentialed organisations and pseudonymous patients.
//!
//! - Organisations are registered by governance with one or more roles, the hash of their
//!   credential and an encryption key (rotated by the organisation itself); they can be
//!   suspended (no role while suspended), reinstated and revoked (for good).
//! - Patients register themselves with a random 32-byte id chosen by their client and an encryption
//!   public key. Nothing else about the person is stored. The patient's controller account rotates
//!   the key, moves control to another account (two steps), names delegates who may manage consent,
//!   an emergency custodian (break-glass keys), and recovery guardians who can together move
//!   control when the key is lost, after a delay (counted in unpaused time) during which the
//!   controller can cancel. A completed recovery evicts whoever held the lost key: delegates and
//!   custodian go, every earlier grant stops applying (a new epoch), and a fresh key is required.
//! - Deregistration removes every patient-keyed entry (crypto-shredding happens off chain).
//!
//! The registry keeps the access contract's projection (effective roles, patient facts) current
//! with every change (`AccessGate::update`); restrictions go through even while access is paused.
//! Reads are served from this contract's storage by the clients.

#[ink::contract]
mod registry {
    use carechain_common::events::registry::*;
    use carechain_common::{
        ensure, ensure_nonzero, xcall, AccessGate, AccessRef, Callee, ControlChange, Delegate,
        DelegateKind, Digest, EncryptionKey, Error, GovAction, Governance, Governed, OrgStatus,
        Organisation, Patient, PatientFacts, PatientId, Pause, Recovery, Result, Role, RoleSet,
        Update, DEFAULT_RECOVERY_DELAY, MAX_DELEGATES, MAX_GUARDIANS, MAX_RECOVERY_DELAY,
        MIN_RECOVERY_DELAY, RECOVERY_APPROVAL_WINDOW,
    };
    use ink::codegen::TraitCallBuilder;
    use ink::prelude::vec::Vec;
    use ink::storage::Mapping;

    #[ink(storage)]
    pub struct Registry {
        gov: Governance,
        access: AccessRef,
        orgs: Mapping<AccountId, Organisation>,
        patients: Mapping<PatientId, Patient>,
        controller_of: Mapping<AccountId, PatientId>,
        recoveries: Mapping<PatientId, Recovery>,
        /// Registrations so far; the next patient gets this plus one.
        registrations: u64,
        /// Active time (unpaused) between a recovery reaching its threshold and completing.
        recovery_delay: Timestamp,
    }

    impl Registry {
        /// The instantiating account becomes admin; `access` is the suite's access contract,
        /// which this registry keeps current (fixed for this instance's life).
        #[ink(constructor)]
        pub fn new(access: AccountId) -> Self {
            Self {
                gov: Governance::new(Self::env().caller()),
                access: access.into(),
                orgs: Mapping::default(),
                patients: Mapping::default(),
                controller_of: Mapping::default(),
                recoveries: Mapping::default(),
                registrations: 0,
                recovery_delay: DEFAULT_RECOVERY_DELAY,
            }
        }

        // ---------------------------------------------------------------- organisations

        /// Governance: credential `account` with `roles`; `credential` is the SHA-256 of its
        /// licence, `key` its X25519 public key.
        ///
        /// # Errors
        /// `AccountInUse`, `InvalidDigest`, `InvalidKey`, `InvalidSet`, `NotGovernor`,
        /// `OrganisationExists`, `OrganisationRevoked`, `Paused`, `ZeroAccount`; `Downstream` (a
        /// refusal or failure of: access).
        ///
        /// # Events
        /// `OrganisationRegistered`.
        #[ink(message)]
        pub fn register_organisation(
            &mut self,
            account: AccountId,
            roles: RoleSet,
            credential: Digest,
            key: EncryptionKey,
        ) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            self.gov.ensure_governor(&caller)?;
            ensure_nonzero(&account)?;
            Self::validate_org(roles, credential)?;
            ensure!(key.is_valid(), Error::InvalidKey);
            if let Some(existing) = self.orgs.get(account) {
                return Err(if existing.status == OrgStatus::Revoked {
                    Error::OrganisationRevoked
                } else {
                    Error::OrganisationExists
                });
            }
            ensure!(!self.controller_of.contains(account), Error::AccountInUse);
            self.orgs.insert(
                account,
                &Organisation {
                    roles,
                    credential,
                    status: OrgStatus::Active,
                    since: self.env().block_timestamp(),
                    key,
                },
            );
            self.push(Update::Organisation(account, roles), false)?;
            self.env().emit_event(OrganisationRegistered {
                account,
                roles,
                credential,
                key,
                by: caller,
            });
            Ok(())
        }

        /// Governance: change roles or credential (licence renewal) of an organisation that is
        /// not revoked. Taking roles away works while paused; adding some does not.
        ///
        /// # Errors
        /// `InvalidDigest`, `InvalidSet`, `NotGovernor`, `OrganisationNotFound`,
        /// `OrganisationRevoked`; `Downstream` (a refusal or failure of: access).
        ///
        /// # Events
        /// `OrganisationUpdated`.
        #[ink(message)]
        pub fn update_organisation(
            &mut self,
            account: AccountId,
            roles: RoleSet,
            credential: Digest,
        ) -> Result<()> {
            let mut org = self.org_not_revoked(&account)?;
            let restricts = roles.0 & !org.roles.0 == 0;
            self.gov.enter(if restricts {
                Pause::Never
            } else {
                Pause::Stops
            })?;
            let caller = self.env().caller();
            self.gov.ensure_governor(&caller)?;
            Self::validate_org(roles, credential)?;
            org.roles = roles;
            org.credential = credential;
            self.orgs.insert(account, &org);
            self.push(
                Update::Organisation(account, org.effective_roles()),
                restricts,
            )?;
            self.env().emit_event(OrganisationUpdated {
                account,
                roles,
                credential,
                by: caller,
            });
            Ok(())
        }

        /// Governance: an active organisation loses its roles until reinstated. Works while
        /// paused.
        ///
        /// # Errors
        /// `NotGovernor`, `OrganisationNotFound`, `OrganisationRevoked`, `OrganisationWrongState`;
        /// `Downstream` (a refusal or failure of: access).
        ///
        /// # Events
        /// `OrganisationStatusChanged`.
        #[ink(message)]
        pub fn suspend_organisation(&mut self, account: AccountId) -> Result<()> {
            self.gov.enter(Pause::Never)?;
            self.set_org_status(account, &[OrgStatus::Active], OrgStatus::Suspended)
        }

        /// Governance: a suspended organisation gets its roles back.
        ///
        /// # Errors
        /// `NotGovernor`, `OrganisationNotFound`, `OrganisationRevoked`, `OrganisationWrongState`,
        /// `Paused`; `Downstream` (a refusal or failure of: access).
        ///
        /// # Events
        /// `OrganisationStatusChanged`.
        #[ink(message)]
        pub fn reinstate_organisation(&mut self, account: AccountId) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            self.set_org_status(account, &[OrgStatus::Suspended], OrgStatus::Active)
        }

        /// Governance: an organisation loses its roles for good. Works while paused.
        ///
        /// # Errors
        /// `NotGovernor`, `OrganisationNotFound`, `OrganisationRevoked`, `OrganisationWrongState`;
        /// `Downstream` (a refusal or failure of: access).
        ///
        /// # Events
        /// `OrganisationStatusChanged`.
        #[ink(message)]
        pub fn revoke_organisation(&mut self, account: AccountId) -> Result<()> {
            self.gov.enter(Pause::Never)?;
            self.set_org_status(
                account,
                &[OrgStatus::Active, OrgStatus::Suspended],
                OrgStatus::Revoked,
            )
        }

        /// The organisation itself (not revoked): publish a new encryption key.
        ///
        /// # Errors
        /// `InvalidKey`, `OrganisationNotFound`, `OrganisationRevoked`, `Paused`.
        ///
        /// # Events
        /// `OrganisationKeyRotated`.
        #[ink(message)]
        pub fn rotate_organisation_key(&mut self, key: EncryptionKey) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            let account = self.env().caller();
            let mut org = self.org_not_revoked(&account)?;
            ensure!(key.is_valid(), Error::InvalidKey);
            org.key = key;
            self.orgs.insert(account, &org);
            self.env()
                .emit_event(OrganisationKeyRotated { account, key });
            Ok(())
        }

        // ---------------------------------------------------------------- patients

        /// The caller registers as a patient's controller. `patient` must be 32 random bytes
        /// from the client (never derived from personal data); `key` is the client's X25519
        /// public key.
        ///
        /// # Errors
        /// `AccountInUse`, `AlreadyController`, `InvalidKey`, `InvalidPatientId`, `Overflow`,
        /// `PatientExists`, `Paused`, `ZeroAccount`; `Downstream` (a refusal or failure of:
        /// access).
        ///
        /// # Events
        /// `PatientRegistered`.
        #[ink(message)]
        pub fn register_patient(&mut self, patient: PatientId, key: EncryptionKey) -> Result<u64> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            ensure!(patient.is_valid(), Error::InvalidPatientId);
            ensure!(key.is_valid(), Error::InvalidKey);
            ensure!(!self.patients.contains(patient), Error::PatientExists);
            self.ensure_free_for_control(&caller)?;
            let registration = self.registrations.checked_add(1).ok_or(Error::Overflow)?;
            self.registrations = registration;
            let record = Patient {
                controller: caller,
                key,
                registration,
                registered_at: self.env().block_timestamp(),
                epoch: 0,
                pending_controller: None,
                delegates: Vec::new(),
                guardians: Vec::new(),
                threshold: 0,
                custodian: None,
                refuses_break_glass: false,
            };
            self.controller_of.insert(caller, &patient);
            self.store(patient, &record, false)?;
            self.env().emit_event(PatientRegistered {
                patient,
                controller: caller,
                registration,
                key,
            });
            Ok(registration)
        }

        /// Controller: publish a new encryption key.
        ///
        /// # Errors
        /// `InvalidKey`, `NotController`, `PatientNotFound`, `Paused`.
        ///
        /// # Events
        /// `PatientKeyRotated`.
        #[ink(message)]
        pub fn rotate_key(&mut self, patient: PatientId, key: EncryptionKey) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            let mut record = self.controlled(patient)?;
            ensure!(key.is_valid(), Error::InvalidKey);
            record.key = key;
            self.patients.insert(patient, &record);
            self.env().emit_event(PatientKeyRotated { patient, key });
            Ok(())
        }

        /// Controller: propose `proposed` as the new controller (step one of two), or withdraw a
        /// pending proposal with `None`.
        ///
        /// # Errors
        /// `AccountInUse`, `AlreadyController`, `NoPendingTransfer`, `NotController`,
        /// `PatientNotFound`, `Paused`, `ZeroAccount`.
        ///
        /// # Events
        /// `ControlTransferProposed`.
        #[ink(message)]
        pub fn propose_controller(
            &mut self,
            patient: PatientId,
            proposed: Option<AccountId>,
        ) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            let mut record = self.controlled(patient)?;
            match proposed {
                Some(account) => {
                    ensure!(account != record.controller, Error::AlreadyController);
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
        ///
        /// # Errors
        /// `AccountInUse`, `AlreadyController`, `NoPendingTransfer`, `NotPendingAccount`,
        /// `Overflow`, `PatientNotFound`, `Paused`, `ZeroAccount`; `Downstream` (a refusal or
        /// failure of: access).
        ///
        /// # Events
        /// `ControlTransferred`, `CustodianSet`, `GuardiansSet`.
        #[ink(message)]
        pub fn accept_control(&mut self, patient: PatientId) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            let record = self.patients.get(patient).ok_or(Error::PatientNotFound)?;
            match record.pending_controller {
                None => return Err(Error::NoPendingTransfer),
                Some(pending) if pending != caller => return Err(Error::NotPendingAccount),
                Some(_) => {}
            }
            self.ensure_free_for_control(&caller)?;
            self.move_control(patient, record, caller, None)
        }

        /// Controller: let `account` manage consent for the patient until `until` (exclusive),
        /// or until removed when `None`. Expired delegations are pruned first. Grants a delegate
        /// makes stay when the delegation ends (the delegate acted for the patient then); a
        /// recovery revokes them with every other earlier grant.
        ///
        /// # Errors
        /// `AccountInUse`, `DelegateExists`, `InvalidWindow`, `NotController`, `PatientNotFound`,
        /// `Paused`, `TooMany`, `ZeroAccount`; `Downstream` (a refusal or failure of: access).
        ///
        /// # Events
        /// `DelegateAdded`.
        #[ink(message)]
        pub fn add_delegate(
            &mut self,
            patient: PatientId,
            account: AccountId,
            kind: DelegateKind,
            until: Option<Timestamp>,
        ) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            let mut record = self.controlled(patient)?;
            ensure_nonzero(&account)?;
            let now = self.env().block_timestamp();
            ensure!(until.is_none_or(|end| end > now), Error::InvalidWindow);
            ensure!(
                account != record.controller && !self.orgs.contains(account),
                Error::AccountInUse
            );
            record.delegates.retain(|d| d.is_active(now));
            ensure!(
                !record.delegates.iter().any(|d| d.account == account),
                Error::DelegateExists
            );
            ensure!(record.delegates.len() < MAX_DELEGATES, Error::TooMany);
            record.delegates.push(Delegate {
                account,
                kind,
                until,
            });
            self.store(patient, &record, false)?;
            self.env().emit_event(DelegateAdded {
                patient,
                delegate: account,
                kind,
                until,
            });
            Ok(())
        }

        /// Controller, or the delegate itself (stepping down): end a delegation. Works while
        /// paused.
        ///
        /// # Errors
        /// `DelegateNotFound`, `NotController`, `PatientNotFound`; `Downstream` (a refusal or
        /// failure of: access).
        ///
        /// # Events
        /// `DelegateRemoved`.
        #[ink(message)]
        pub fn remove_delegate(&mut self, patient: PatientId, account: AccountId) -> Result<()> {
            self.gov.enter(Pause::Never)?;
            let caller = self.env().caller();
            let mut record = self.patients.get(patient).ok_or(Error::PatientNotFound)?;
            ensure!(
                caller == record.controller || caller == account,
                Error::NotController
            );
            let position = record
                .delegates
                .iter()
                .position(|d| d.account == account)
                .ok_or(Error::DelegateNotFound)?;
            record.delegates.remove(position);
            self.store(patient, &record, true)?;
            self.env().emit_event(DelegateRemoved {
                patient,
                delegate: account,
                by: caller,
            });
            Ok(())
        }

        /// Controller: name the organisation that holds a wrapped copy of every new record key
        /// for break-glass access (`None`: nobody). It must be an active organisation that is not
        /// a provider (a custodian that could break the glass would serve itself). Removing the
        /// custodian works while paused.
        ///
        /// # Errors
        /// `CustodianNotEligible`, `NotController`, `OrganisationNotFound`, `PatientNotFound`.
        ///
        /// # Events
        /// `CustodianSet`.
        #[ink(message)]
        pub fn set_custodian(
            &mut self,
            patient: PatientId,
            custodian: Option<AccountId>,
        ) -> Result<()> {
            self.gov.enter(if custodian.is_none() {
                Pause::Never
            } else {
                Pause::Stops
            })?;
            let mut record = self.controlled(patient)?;
            if let Some(account) = custodian {
                let org = self
                    .orgs
                    .get(account)
                    .filter(|org| org.status == OrgStatus::Active)
                    .ok_or(Error::OrganisationNotFound)?;
                ensure!(
                    !org.roles.contains(Role::Provider),
                    Error::CustodianNotEligible
                );
            }
            record.custodian = custodian;
            self.patients.insert(patient, &record);
            self.env().emit_event(CustodianSet { patient, custodian });
            Ok(())
        }

        /// Controller: refuse break-glass access altogether (`refuse = true`, a restriction that
        /// works while paused: no provider opens an emergency session, and an open one stops
        /// counting at once) or allow it again.
        ///
        /// # Errors
        /// `NotController`, `PatientNotFound`; `Downstream` (a refusal or failure of: access).
        ///
        /// # Events
        /// `BreakGlassRefusalSet`.
        #[ink(message)]
        pub fn set_break_glass_refusal(&mut self, patient: PatientId, refuse: bool) -> Result<()> {
            self.gov
                .enter(if refuse { Pause::Never } else { Pause::Stops })?;
            let mut record = self.controlled(patient)?;
            record.refuses_break_glass = refuse;
            self.store(patient, &record, refuse)?;
            self.env()
                .emit_event(BreakGlassRefusalSet { patient, refuse });
            Ok(())
        }

        /// Controller: name the recovery guardians and how many of them must approve a recovery.
        /// An empty list with threshold 0 turns recovery off. Any recovery under way is cancelled.
        ///
        /// # Errors
        /// `AccountInUse`, `GuardianExists`, `InvalidThreshold`, `NotController`,
        /// `PatientNotFound`, `Paused`, `TooMany`, `ZeroAccount`.
        ///
        /// # Events
        /// `GuardiansSet`, `RecoveryCancelled`.
        #[ink(message)]
        pub fn set_guardians(
            &mut self,
            patient: PatientId,
            guardians: Vec<AccountId>,
            threshold: u8,
        ) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            let mut record = self.controlled(patient)?;
            ensure!(guardians.len() <= MAX_GUARDIANS, Error::TooMany);
            for (i, guardian) in guardians.iter().enumerate() {
                ensure_nonzero(guardian)?;
                ensure!(*guardian != record.controller, Error::AccountInUse);
                ensure!(
                    !guardians
                        .iter()
                        .skip(i.saturating_add(1))
                        .any(|g| g == guardian),
                    Error::GuardianExists
                );
            }
            let count = guardians.len();
            let threshold_ok = if count == 0 {
                threshold == 0
            } else {
                threshold >= 1 && usize::from(threshold) <= count
            };
            ensure!(threshold_ok, Error::InvalidThreshold);
            record.guardians = guardians.clone();
            record.threshold = threshold;
            self.patients.insert(patient, &record);
            self.end_recovery(patient, caller);
            self.env().emit_event(GuardiansSet {
                patient,
                guardians,
                threshold,
            });
            Ok(())
        }

        /// Guardian: back `new_controller` for control of the patient. The first approval opens
        /// the recovery; a guardian backs one candidate at a time; a candidate `threshold`
        /// guardians back is chosen and may complete after the recovery delay of unpaused time.
        /// Moving votes can withdraw the choice and choose another (with a fresh delay).
        /// Approvals that reach no threshold within `RECOVERY_APPROVAL_WINDOW` lapse.
        ///
        /// # Errors
        /// `AccountInUse`, `AlreadyApproved`, `AlreadyController`, `NotGuardian`, `Overflow`,
        /// `PatientNotFound`, `Paused`, `ZeroAccount`.
        ///
        /// # Events
        /// `RecoveryApproved`.
        #[ink(message)]
        pub fn approve_recovery(
            &mut self,
            patient: PatientId,
            new_controller: AccountId,
        ) -> Result<u8> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            let record = self.patients.get(patient).ok_or(Error::PatientNotFound)?;
            let index = record.guardian_index(&caller).ok_or(Error::NotGuardian)?;
            ensure!(
                new_controller != record.controller,
                Error::AlreadyController
            );
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
            let bit = 1u8.wrapping_shl(u32::try_from(index).map_err(|_| Error::Overflow)?);
            let approvals = recovery
                .approve(bit, new_controller)
                .ok_or(Error::AlreadyApproved)?;
            recovery.choose(
                new_controller,
                record.threshold,
                self.gov.active_time(now),
                self.recovery_delay,
            );
            let chosen = recovery.chosen;
            self.recoveries.insert(patient, &recovery);
            self.env().emit_event(RecoveryApproved {
                patient,
                guardian: caller,
                new_controller,
                approvals,
                chosen,
            });
            Ok(approvals)
        }

        /// The recovery's chosen account takes control once the delay has passed, with a fresh
        /// encryption key: delegates and custodian go, every earlier grant stops applying.
        ///
        /// # Errors
        /// `AccountInUse`, `AlreadyController`, `InvalidKey`, `NoRecovery`, `NotPendingAccount`,
        /// `Overflow`, `PatientNotFound`, `Paused`, `RecoveryNotReady`, `ZeroAccount`; `Downstream`
        /// (a refusal or failure of: access).
        ///
        /// # Events
        /// `ControlTransferred`, `CustodianSet`, `GuardiansSet`.
        #[ink(message)]
        pub fn complete_recovery(&mut self, patient: PatientId, key: EncryptionKey) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            let record = self.patients.get(patient).ok_or(Error::PatientNotFound)?;
            let recovery = self.recoveries.get(patient).ok_or(Error::NoRecovery)?;
            match recovery.chosen {
                Some((chosen, ready)) if chosen == caller => {
                    ensure!(
                        self.gov.active_time(self.env().block_timestamp()) >= ready,
                        Error::RecoveryNotReady
                    );
                }
                None if recovery.approvals_for(&caller) > 0 => return Err(Error::RecoveryNotReady),
                _ => return Err(Error::NotPendingAccount),
            }
            ensure!(key.is_valid() && key != record.key, Error::InvalidKey);
            self.ensure_free_for_control(&caller)?;
            self.move_control(patient, record, caller, Some(key))
        }

        /// Controller: stop a recovery under way (the key was not lost after all). Works while
        /// paused.
        ///
        /// # Errors
        /// `NoRecovery`, `NotController`, `PatientNotFound`.
        ///
        /// # Events
        /// `RecoveryCancelled`.
        #[ink(message)]
        pub fn cancel_recovery(&mut self, patient: PatientId) -> Result<()> {
            self.gov.enter(Pause::Never)?;
            let caller = self.env().caller();
            self.controlled(patient)?;
            ensure!(self.recoveries.contains(patient), Error::NoRecovery);
            self.end_recovery(patient, caller);
            Ok(())
        }

        /// Controller: erase the patient. Every patient-keyed entry of the registry goes; the
        /// storage deposit comes back to the caller. Grants and anchors held elsewhere are keyed
        /// to the registration number and never apply to a later registration of the same id.
        /// Works while paused.
        ///
        /// # Errors
        /// `NotController`, `PatientNotFound`; `Downstream` (a refusal or failure of: access).
        ///
        /// # Events
        /// `PatientDeregistered`, `RecoveryCancelled`.
        #[ink(message)]
        pub fn deregister_patient(&mut self, patient: PatientId) -> Result<()> {
            self.gov.enter(Pause::Never)?;
            let record = self.controlled(patient)?;
            self.patients.remove(patient);
            self.controller_of.remove(record.controller);
            self.end_recovery(patient, record.controller);
            self.push(Update::Patient(patient, None), true)?;
            self.env().emit_event(PatientDeregistered {
                patient,
                registration: record.registration,
            });
            Ok(())
        }

        /// Governance: set the recovery delay (1 to 30 days of unpaused time).
        ///
        /// # Errors
        /// `InvalidWindow`, `NotGovernor`, `Paused`.
        ///
        /// # Events
        /// `RecoveryDelayChanged`.
        #[ink(message)]
        pub fn set_recovery_delay(&mut self, delay: Timestamp) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            self.gov.ensure_governor(&caller)?;
            ensure!(
                (MIN_RECOVERY_DELAY..=MAX_RECOVERY_DELAY).contains(&delay),
                Error::InvalidWindow
            );
            self.recovery_delay = delay;
            self.env()
                .emit_event(RecoveryDelayChanged { delay, by: caller });
            Ok(())
        }

        // ---------------------------------------------------------------- internals

        fn validate_org(roles: RoleSet, credential: Digest) -> Result<()> {
            ensure!(roles.is_valid(), Error::InvalidSet);
            ensure!(!credential.is_zero(), Error::InvalidDigest);
            Ok(())
        }

        fn org_not_revoked(&self, account: &AccountId) -> Result<Organisation> {
            let org = self.orgs.get(account).ok_or(Error::OrganisationNotFound)?;
            ensure!(org.status != OrgStatus::Revoked, Error::OrganisationRevoked);
            Ok(org)
        }

        /// The pause rule is the calling message's.
        fn set_org_status(
            &mut self,
            account: AccountId,
            from: &[OrgStatus],
            to: OrgStatus,
        ) -> Result<()> {
            let caller = self.env().caller();
            self.gov.ensure_governor(&caller)?;
            let mut org = self.org_not_revoked(&account)?;
            ensure!(from.contains(&org.status), Error::OrganisationWrongState);
            org.status = to;
            self.orgs.insert(account, &org);
            self.push(
                Update::Organisation(account, org.effective_roles()),
                to != OrgStatus::Active,
            )?;
            self.env().emit_event(OrganisationStatusChanged {
                account,
                status: to,
                by: caller,
            });
            Ok(())
        }

        /// Patient exists and the caller is its controller.
        fn controlled(&self, patient: PatientId) -> Result<Patient> {
            let record = self.patients.get(patient).ok_or(Error::PatientNotFound)?;
            ensure!(
                record.controller == self.env().caller(),
                Error::NotController
            );
            Ok(record)
        }

        /// An account may take control of a patient if it is real, controls no patient and is
        /// not an organisation.
        fn ensure_free_for_control(&self, account: &AccountId) -> Result<()> {
            ensure_nonzero(account)?;
            ensure!(
                !self.controller_of.contains(account),
                Error::AlreadyController
            );
            ensure!(!self.orgs.contains(account), Error::AccountInUse);
            Ok(())
        }

        fn push(&mut self, update: Update, restricts: bool) -> Result<()> {
            xcall::fallible(
                Callee::Access,
                self.access
                    .call_mut()
                    .update(update, restricts)
                    .try_invoke(),
            )
        }

        /// Store the patient and the access contract's copy of its facts.
        fn store(&mut self, patient: PatientId, record: &Patient, restricts: bool) -> Result<()> {
            self.patients.insert(patient, record);
            let now = self.env().block_timestamp();
            let facts = PatientFacts {
                registration: record.registration,
                epoch: record.epoch,
                refuses_break_glass: record.refuses_break_glass,
                controller: record.controller,
                delegates: record
                    .delegates
                    .iter()
                    .filter(|d| d.is_active(now))
                    .map(|d| (d.account, d.until))
                    .collect(),
            };
            self.push(Update::Patient(patient, Some(facts)), restricts)
        }

        fn end_recovery(&mut self, patient: PatientId, by: AccountId) {
            if self.recoveries.contains(patient) {
                self.recoveries.remove(patient);
                self.env().emit_event(RecoveryCancelled { patient, by });
            }
        }

        /// Hand control to `new`: by transfer (`key` is `None`) or by recovery (with the fresh
        /// key). A recovery evicts the lost key's world: delegates and custodian go and the epoch
        /// moves on (earlier grants stop applying). The new controller stops being a delegate or
        /// guardian of its own record; if that leaves fewer guardians than the threshold,
        /// recovery is switched off rather than silently made easier (`GuardiansSet` says so). A
        /// pending proposal or recovery ends.
        fn move_control(
            &mut self,
            patient: PatientId,
            mut record: Patient,
            new: AccountId,
            key: Option<EncryptionKey>,
        ) -> Result<()> {
            let previous = record.controller;
            self.controller_of.remove(previous);
            self.controller_of.insert(new, &patient);
            record.controller = new;
            record.pending_controller = None;
            let via = match key {
                Some(key) => {
                    record.key = key;
                    record.delegates.clear();
                    record.epoch = record.epoch.checked_add(1).ok_or(Error::Overflow)?;
                    if record.custodian.take().is_some() {
                        self.env().emit_event(CustodianSet {
                            patient,
                            custodian: None,
                        });
                    }
                    ControlChange::Recovery
                }
                None => {
                    record.delegates.retain(|d| d.account != new);
                    ControlChange::Transfer
                }
            };
            if let Some(index) = record.guardian_index(&new) {
                record.guardians.remove(index);
                if usize::from(record.threshold) > record.guardians.len() {
                    record.guardians.clear();
                    record.threshold = 0;
                }
                self.env().emit_event(GuardiansSet {
                    patient,
                    guardians: record.guardians.clone(),
                    threshold: record.threshold,
                });
            }
            self.recoveries.remove(patient);
            self.store(patient, &record, false)?;
            self.env().emit_event(ControlTransferred {
                patient,
                controller: new,
                previous,
                via,
                epoch: record.epoch,
            });
            Ok(())
        }
    }

    impl Governed for Registry {
        ///
        /// # Errors
        /// `GovernorExists`, `GovernorNotFound`, `NoPendingAdmin`, `NotAdmin`, `NotGovernor`,
        /// `NotPendingAccount`, `Overflow`, `ZeroAccount`.
        ///
        /// # Events
        /// `AdminChanged`, `AdminProposed`, `GovernorAdded`, `GovernorRemoved`, `PauseChanged`.
        #[ink(message)]
        fn govern(&mut self, action: GovAction) -> Result<()> {
            self.gov.govern(self.env().caller(), action)
        }
    }
}
