#![cfg_attr(not(feature = "std"), no_std, no_main)]

//! Consent: the patient's side manages who may see which part of the record, for what purpose,
//! until when; providers anchor records; break-glass emergency access is opened and closed here.
//!
//! - Grants are made, changed and revoked by the patient's controller or an active delegate. A
//!   permit names an organisation whose roles fit every purpose; a deny names an account or
//!   `Anyone` (deny wins). Grants belong to the patient's registration and recovery epoch.
//! - Record anchors: a provider with a treatment permit for the category (or an open break-glass
//!   session) anchors a record (content hash of the ciphertext, encrypted locator); only the
//!   author amends it, as a new version. Every write is an access decision, logged either way.
//! - Break-glass: an active provider opens emergency access (recorded, not prevented); a refused
//!   attempt is logged as a denied entry. The provider or the patient's side closes it early.
//!
//! This contract keeps the access contract's projection (grant slots, sessions, record anchors)
//! current; access decides reads. Restrictions (revoking a grant, closing a session) take effect
//! even while access or this contract is paused, and their audit entries are queued when the log
//! does not take them (`flush_audit`). Calls: access (`lookup`, `update`), audit log.

#[ink::contract]
mod consent {
    use carechain_common::events::consent::*;
    use carechain_common::{
        ensure, ensure_nonzero, next_id, xcall, AccessBasis, AccessGate, AccessRef, AuditAction,
        AuditOutcome, AuditRecord, AuditRef, AuditSubject, BreakGlass, Callee, DataCategory,
        Decision, DeferredAudit, DenyReason, Digest, Effect, Emergency, EmergencyId,
        EmergencyReason, EncryptedLocator, Error, Facts, GovAction, Governance, Governed, Grant,
        GrantId, GrantScope, GrantSlot, GrantSlots, Grantee, PatientId, PatientIndex, Pause,
        Purpose, RecordFacts, RecordId, RecordMeta, RecordWrite, Result, Review, Role, Session,
        Update, DEFAULT_EMERGENCY_WINDOW, MAX_EMERGENCY_WINDOW, MAX_GRANTS_PER_GRANTEE,
        MIN_EMERGENCY_WINDOW,
    };
    use carechain_rules::{decide, Inputs};
    use ink::codegen::TraitCallBuilder;
    use ink::prelude::vec::Vec;
    use ink::storage::Mapping;

    #[ink(storage)]
    pub struct Consent {
        gov: Governance,
        access: AccessRef,
        audit: AuditRef,
        deferred: DeferredAudit,

        grants: Mapping<GrantId, Grant>,
        /// Live grants per (patient, grantee). The access contract holds a copy for decisions.
        slots: Mapping<(PatientId, Grantee), GrantSlots>,
        grant_count: u64,
        patient_grants: PatientIndex,

        records: Mapping<RecordId, RecordMeta>,
        record_count: u64,
        patient_records: PatientIndex,

        emergency_window: Timestamp,
        emergencies: Mapping<EmergencyId, Emergency>,
        emergency_count: u64,
        /// The session a provider has open (or had last) for a patient.
        open_emergency: Mapping<(PatientId, AccountId), EmergencyId>,
        patient_emergencies: PatientIndex,
    }

    impl Consent {
        /// The instantiating account becomes admin; `access` and `audit_log` are the suite's
        /// contracts (fixed for this instance's life).
        #[ink(constructor)]
        pub fn new(access: AccountId, audit_log: AccountId) -> Self {
            Self {
                gov: Governance::new(Self::env().caller()),
                access: access.into(),
                audit: audit_log.into(),
                deferred: DeferredAudit::default(),
                grants: Mapping::default(),
                slots: Mapping::default(),
                grant_count: 0,
                patient_grants: PatientIndex::default(),
                records: Mapping::default(),
                record_count: 0,
                patient_records: PatientIndex::default(),
                emergency_window: DEFAULT_EMERGENCY_WINDOW,
                emergencies: Mapping::default(),
                emergency_count: 0,
                open_emergency: Mapping::default(),
                patient_emergencies: PatientIndex::default(),
            }
        }

        // ---------------------------------------------------------------- grants

        /// Patient's controller or delegate: create a grant. A permit names one organisation
        /// whose roles fit every purpose in the scope; a deny names an account or `Anyone`.
        ///
        /// # Errors
        /// `GranteeNotEligible`, `InvalidSet`, `InvalidWindow`, `NotPatientManager`, `Overflow`,
        /// `PatientNotFound`, `Paused`, `TooMany`, `ZeroAccount`; `Downstream` (a refusal or
        /// failure of: access, audit log).
        ///
        /// # Events
        /// `GrantCreated`; the audit log's `Appended`.
        #[ink(message)]
        pub fn create_grant(
            &mut self,
            patient: PatientId,
            grantee: Grantee,
            scope: GrantScope,
            effect: Effect,
        ) -> Result<GrantId> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            let now = self.env().block_timestamp();
            Self::validate_scope(&scope, now)?;
            let grantee_account = match (grantee, effect) {
                (Grantee::Anyone, Effect::Permit) => return Err(Error::GranteeNotEligible),
                (Grantee::Anyone, Effect::Deny) => None,
                (Grantee::Account(account), _) => {
                    ensure_nonzero(&account)?;
                    Some(account)
                }
            };
            let facts = self.lookup(patient, caller, grantee_account)?;
            let (registration, epoch) = Self::managed(&facts)?;
            ensure!(
                effect != Effect::Permit || scope.purposes.fits(facts.second.roles),
                Error::GranteeNotEligible
            );
            let id = next_id(&mut self.grant_count)?;
            let key = (patient, grantee);
            let mut live = self.slots.get(key).unwrap_or_default();
            live.retain(|s| s.scope.valid_until > now && s.in_force_for((registration, epoch)));
            ensure!(live.len() < MAX_GRANTS_PER_GRANTEE, Error::TooMany);
            live.push(GrantSlot {
                id,
                registration,
                epoch,
                scope,
                effect,
            });
            self.put_slots(key, live, false)?;
            self.grants.insert(
                id,
                &Grant {
                    id,
                    patient,
                    registration,
                    epoch,
                    grantee,
                    scope,
                    effect,
                    created_by: caller,
                    created_at: now,
                    revoked_at: None,
                },
            );
            self.patient_grants.push(patient, id)?;
            self.log(Self::success(
                AuditAction::ConsentGrant,
                caller,
                patient,
                AuditSubject::Grant(id),
            ))?;
            self.env().emit_event(GrantCreated {
                patient,
                id,
                grantee,
                scope,
                effect,
                by: caller,
            });
            Ok(id)
        }

        /// Patient's controller or delegate: change a live grant's categories, purposes or window.
        ///
        /// # Errors
        /// `GrantNotFound`, `GrantRevoked`, `GranteeNotEligible`, `InvalidSet`, `InvalidWindow`,
        /// `NotPatientManager`, `PatientNotFound`, `Paused`; `Downstream` (a refusal or failure of:
        /// access, audit log).
        ///
        /// # Events
        /// `GrantChanged`; the audit log's `Appended`.
        #[ink(message)]
        pub fn change_grant(&mut self, id: GrantId, scope: GrantScope) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            let mut grant = self.grants.get(id).ok_or(Error::GrantNotFound)?;
            let now = self.env().block_timestamp();
            Self::validate_scope(&scope, now)?;
            let grantee = match grant.grantee {
                Grantee::Account(account) => Some(account),
                Grantee::Anyone => None,
            };
            let facts = self.ensure_grant_manager(&grant, caller, grantee)?;
            ensure!(
                grant.effect != Effect::Permit || scope.purposes.fits(facts.second.roles),
                Error::GranteeNotEligible
            );
            let key = Self::slot_key(&grant);
            let mut live = self.slots.get(key).unwrap_or_default();
            let slot = live
                .iter_mut()
                .find(|s| s.id == id)
                .ok_or(Error::GrantNotFound)?;
            slot.scope = scope;
            self.put_slots(key, live, false)?;
            grant.scope = scope;
            self.grants.insert(id, &grant);
            self.log(Self::success(
                AuditAction::ConsentChange,
                caller,
                grant.patient,
                AuditSubject::Grant(id),
            ))?;
            self.env().emit_event(GrantChanged {
                patient: grant.patient,
                id,
                scope,
                by: caller,
            });
            Ok(())
        }

        /// Patient's controller or delegate: revoke a grant. It stops applying at once. A
        /// restriction: works while this contract or access is paused; its audit entry is queued
        /// when the log does not take it.
        ///
        /// # Errors
        /// `GrantNotFound`, `GrantRevoked`, `NotPatientManager`, `PatientNotFound`; `Downstream` (a
        /// refusal or failure of: access, audit log).
        ///
        /// # Events
        /// `AuditDeferred`, `GrantRevoked`; the audit log's `Appended`.
        #[ink(message)]
        pub fn revoke_grant(&mut self, id: GrantId) -> Result<()> {
            self.gov.enter(Pause::Never)?;
            let caller = self.env().caller();
            let mut grant = self.grants.get(id).ok_or(Error::GrantNotFound)?;
            self.ensure_grant_manager(&grant, caller, None)?;
            let key = Self::slot_key(&grant);
            let mut live = self.slots.get(key).unwrap_or_default();
            live.retain(|s| s.id != id);
            self.put_slots(key, live, true)?;
            grant.revoked_at = Some(self.env().block_timestamp());
            self.grants.insert(id, &grant);
            let record = Self::success(
                AuditAction::ConsentRevoke,
                caller,
                grant.patient,
                AuditSubject::Grant(id),
            );
            self.deferred.log(&mut self.audit, record);
            self.env().emit_event(GrantRevoked {
                patient: grant.patient,
                id,
                by: caller,
            });
            Ok(())
        }

        // ---------------------------------------------------------------- records

        /// A credentialed provider anchors a new record's ciphertext hash and encrypted locator
        /// for the patient, under `record`, an unused id its client chose (the record vault binds
        /// the ciphertext to it). The write is an access decision for `purpose` (treatment or
        /// emergency treatment) and is logged either way.
        ///
        /// # Errors
        /// `InvalidDigest`, `InvalidLocator`, `InvalidSet`, `Overflow`, `PatientNotFound`,
        /// `Paused`, `RecordExists`; `Downstream` (a refusal or failure of: access, audit log).
        ///
        /// # Events
        /// `RecordAnchored`; the audit log's `Appended`.
        #[ink(message)]
        pub fn add_record(
            &mut self,
            record: RecordId,
            patient: PatientId,
            category: DataCategory,
            purpose: Purpose,
            content_hash: Digest,
            locator: EncryptedLocator,
        ) -> Result<RecordWrite> {
            self.gov.enter(Pause::Stops)?;
            self.write_record(
                record,
                patient,
                category,
                purpose,
                content_hash,
                locator,
                None,
            )
        }

        /// The author amends the latest version of its record: a new version, under the unused id
        /// `record`, that names the one it amends (nothing is overwritten). Another provider
        /// cannot amend it, whatever its permits.
        ///
        /// # Errors
        /// `InvalidDigest`, `InvalidLocator`, `InvalidSet`, `NotAuthor`, `Overflow`,
        /// `PatientNotFound`, `Paused`, `RecordExists`, `RecordNotFound`, `RecordSuperseded`;
        /// `Downstream` (a refusal or failure of: access, audit log).
        ///
        /// # Events
        /// `RecordAnchored`; the audit log's `Appended`.
        #[ink(message)]
        pub fn amend_record(
            &mut self,
            amends: RecordId,
            record: RecordId,
            purpose: Purpose,
            content_hash: Digest,
            locator: EncryptedLocator,
        ) -> Result<RecordWrite> {
            self.gov.enter(Pause::Stops)?;
            let previous = self.records.get(amends).ok_or(Error::RecordNotFound)?;
            ensure!(previous.author == self.env().caller(), Error::NotAuthor);
            ensure!(previous.superseded_by.is_none(), Error::RecordSuperseded);
            self.write_record(
                record,
                previous.patient,
                previous.category,
                purpose,
                content_hash,
                locator,
                Some(previous),
            )
        }

        // ---------------------------------------------------------------- break-glass

        /// An active provider opens emergency access to a patient. Recorded, not prevented: for
        /// the emergency window, requests for emergency treatment are granted (over any deny
        /// rule), and the session is listed for the patient and regulators to review. A refused
        /// attempt (not a provider, unknown patient) is logged as a denied entry and answered.
        ///
        /// # Errors
        /// `EmergencyActive`, `Overflow`, `PatientNotFound`, `Paused`; `Downstream` (a refusal or
        /// failure of: access, audit log).
        ///
        /// # Events
        /// `EmergencyOpened`; the audit log's `Appended`.
        #[ink(message)]
        pub fn break_glass(
            &mut self,
            patient: PatientId,
            reason: EmergencyReason,
        ) -> Result<BreakGlass> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            let facts = self.lookup(patient, caller, None)?;
            let now = self.env().block_timestamp();
            let refusal = match facts.registration {
                None => Some(DenyReason::PatientNotActive),
                Some(_) if !facts.first.roles.contains(Role::Provider) => {
                    Some(DenyReason::RoleNotEligible)
                }
                Some(_) if facts.refuses_break_glass => Some(DenyReason::BreakGlassRefused),
                Some(_) => None,
            };
            let mut record = AuditRecord {
                action: AuditAction::EmergencyStart,
                actor: caller,
                patient: Some(patient),
                subject: AuditSubject::Category(DataCategory::ClinicalNotes),
                purpose: Some(Purpose::EmergencyTreatment),
                outcome: AuditOutcome::Success,
                initiator: None,
            };
            if let Some(reason) = refusal {
                record.outcome = AuditOutcome::Denied(reason);
                let audit_seq = self.log(record)?;
                return Ok(BreakGlass::Refused(Decision {
                    outcome: record.outcome,
                    audit_seq,
                }));
            }
            let registration = facts.registration.ok_or(Error::PatientNotFound)?;
            ensure!(
                self.open_session(patient, caller, now).is_none(),
                Error::EmergencyActive
            );
            let id = next_id(&mut self.emergency_count)?;
            let expires_at = now
                .checked_add(self.emergency_window)
                .ok_or(Error::Overflow)?;
            self.emergencies.insert(
                id,
                &Emergency {
                    id,
                    patient,
                    registration,
                    provider: caller,
                    reason,
                    opened_at: now,
                    expires_at,
                    closed_at: None,
                    closed_by: None,
                    review: None,
                },
            );
            self.open_emergency.insert((patient, caller), &id);
            self.patient_emergencies.push(patient, id)?;
            self.push(
                Update::Session(
                    patient,
                    caller,
                    Some(Session {
                        id,
                        registration,
                        expires_at,
                    }),
                ),
                false,
            )?;
            record.subject = AuditSubject::Emergency(id);
            record.outcome = AuditOutcome::Granted(AccessBasis::Emergency(id));
            let audit_seq = self.log(record)?;
            self.env().emit_event(EmergencyOpened {
                patient,
                provider: caller,
                id,
                reason,
                expires_at,
                audit_seq,
            });
            Ok(BreakGlass::Opened(id))
        }

        /// A regulator or a governor of this contract reviews a break-glass session (open or
        /// closed), recording the SHA-256 of its findings; once. Until then the session is
        /// listed as awaiting review for the patient and governance.
        ///
        /// # Errors
        /// `AlreadyReviewed`, `InvalidDigest`, `NoEmergency`, `NotParty`, `Paused`; `Downstream` (a
        /// refusal or failure of: access, audit log).
        ///
        /// # Events
        /// `EmergencyReviewed`; the audit log's `Appended`.
        #[ink(message)]
        pub fn review_emergency(&mut self, id: EmergencyId, findings: Digest) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            let mut session = self.emergencies.get(id).ok_or(Error::NoEmergency)?;
            ensure!(session.review.is_none(), Error::AlreadyReviewed);
            ensure!(!findings.is_zero(), Error::InvalidDigest);
            let authority = self.gov.is_governor(&caller)
                || self
                    .lookup(session.patient, caller, None)?
                    .first
                    .roles
                    .contains(Role::Regulator);
            ensure!(authority, Error::NotParty);
            let now = self.env().block_timestamp();
            session.review = Some(Review {
                by: caller,
                at: now,
                findings,
            });
            self.emergencies.insert(id, &session);
            self.log(AuditRecord {
                action: AuditAction::EmergencyReview,
                actor: caller,
                patient: Some(session.patient),
                subject: AuditSubject::Emergency(id),
                purpose: None,
                outcome: AuditOutcome::Success,
                initiator: None,
            })?;
            self.env().emit_event(EmergencyReviewed {
                patient: session.patient,
                id,
                by: caller,
                findings,
            });
            Ok(())
        }

        /// The provider who opened it, or the patient's controller or delegate, closes an open
        /// emergency session early. A restriction: works while paused; its audit entry is queued
        /// when the log does not take it.
        ///
        /// # Errors
        /// `NoEmergency`, `NotParty`; `Downstream` (a refusal or failure of: access, audit log).
        ///
        /// # Events
        /// `AuditDeferred`, `EmergencyClosed`; the audit log's `Appended`.
        #[ink(message)]
        pub fn close_emergency(&mut self, id: EmergencyId) -> Result<()> {
            self.gov.enter(Pause::Never)?;
            let caller = self.env().caller();
            let mut session = self.emergencies.get(id).ok_or(Error::NoEmergency)?;
            let now = self.env().block_timestamp();
            ensure!(session.is_open(now), Error::NoEmergency);
            if caller != session.provider {
                let facts = self.lookup(session.patient, caller, None)?;
                ensure!(
                    facts.first.manager.is_some()
                        && facts.registration == Some(session.registration),
                    Error::NotParty
                );
            }
            session.closed_at = Some(now);
            session.closed_by = Some(caller);
            self.emergencies.insert(id, &session);
            self.open_emergency
                .remove((session.patient, session.provider));
            self.push(
                Update::Session(session.patient, session.provider, None),
                true,
            )?;
            let audit_seq = self.deferred.log(
                &mut self.audit,
                AuditRecord {
                    action: AuditAction::EmergencyStop,
                    actor: caller,
                    patient: Some(session.patient),
                    subject: AuditSubject::Emergency(id),
                    purpose: Some(Purpose::EmergencyTreatment),
                    outcome: AuditOutcome::Success,
                    initiator: None,
                },
            );
            self.env().emit_event(EmergencyClosed {
                patient: session.patient,
                id,
                by: caller,
                audit_seq,
            });
            Ok(())
        }

        /// Governance: set the break-glass window (1 to 72 hours).
        ///
        /// # Errors
        /// `InvalidWindow`, `NotGovernor`, `Paused`.
        ///
        /// # Events
        /// `EmergencyWindowChanged`.
        #[ink(message)]
        pub fn set_emergency_window(&mut self, window: Timestamp) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            self.gov.ensure_governor(&caller)?;
            ensure!(
                (MIN_EMERGENCY_WINDOW..=MAX_EMERGENCY_WINDOW).contains(&window),
                Error::InvalidWindow
            );
            self.emergency_window = window;
            self.env()
                .emit_event(EmergencyWindowChanged { window, by: caller });
            Ok(())
        }

        /// Anyone: send up to `MAX_AUDIT_BATCH` queued restriction entries to the audit log.
        /// Returns how many went. Works while paused.
        ///
        /// # Errors
        /// `Empty`; `Downstream` (a refusal or failure of: audit log).
        ///
        /// # Events
        /// `AuditFlushed`; the audit log's `Appended`.
        #[ink(message)]
        pub fn flush_audit(&mut self) -> Result<u64> {
            self.gov.enter(Pause::Never)?;
            self.deferred.flush(&mut self.audit)
        }

        // ---------------------------------------------------------------- internals

        fn lookup(
            &self,
            patient: PatientId,
            first: AccountId,
            second: Option<AccountId>,
        ) -> Result<Facts> {
            xcall::read(
                Callee::Access,
                self.access
                    .call()
                    .lookup(Some(patient), first, second)
                    .try_invoke(),
            )
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

        fn put_slots(
            &mut self,
            key: (PatientId, Grantee),
            live: Vec<GrantSlot>,
            restricts: bool,
        ) -> Result<()> {
            if live.is_empty() {
                self.slots.remove(key);
            } else {
                self.slots.insert(key, &live);
            }
            self.push(Update::Slots(key.0, key.1, live), restricts)
        }

        /// The patient's registration and epoch when the first party of `facts` manages it.
        fn managed(facts: &Facts) -> Result<(u64, u32)> {
            let registration = facts.registration.ok_or(Error::PatientNotFound)?;
            ensure!(facts.first.manager.is_some(), Error::NotPatientManager);
            Ok((registration, facts.epoch))
        }

        /// The caller manages the patient of `grant`, and `grant` is live: of the patient's
        /// current registration (a later holder of a re-registered id cannot touch an earlier
        /// one's grants: to it they do not exist), in force (a recovery ended an earlier epoch's
        /// permits; its denials stay the patient's to change or revoke), and not revoked. Returns the facts (with `second`'s standing).
        fn ensure_grant_manager(
            &self,
            grant: &Grant,
            caller: AccountId,
            second: Option<AccountId>,
        ) -> Result<Facts> {
            let facts = self.lookup(grant.patient, caller, second)?;
            let (registration, epoch) = Self::managed(&facts)?;
            ensure!(registration == grant.registration, Error::GrantNotFound);
            ensure!(
                grant.revoked_at.is_none() && grant.in_force_for((registration, epoch)),
                Error::GrantRevoked
            );
            Ok(facts)
        }

        fn log(&mut self, record: AuditRecord) -> Result<u64> {
            xcall::audit(&mut self.audit, ink::prelude::vec![record])
        }

        fn success(
            action: AuditAction,
            actor: AccountId,
            patient: PatientId,
            subject: AuditSubject,
        ) -> AuditRecord {
            AuditRecord {
                action,
                actor,
                patient: Some(patient),
                subject,
                purpose: None,
                outcome: AuditOutcome::Success,
                initiator: None,
            }
        }

        fn open_session(
            &self,
            patient: PatientId,
            provider: AccountId,
            now: Timestamp,
        ) -> Option<Emergency> {
            self.open_emergency
                .get((patient, provider))
                .and_then(|id| self.emergencies.get(id))
                .filter(|session| session.is_open(now))
        }

        #[allow(clippy::too_many_arguments)]
        fn write_record(
            &mut self,
            id: RecordId,
            patient: PatientId,
            category: DataCategory,
            purpose: Purpose,
            content_hash: Digest,
            locator: EncryptedLocator,
            amends: Option<RecordMeta>,
        ) -> Result<RecordWrite> {
            let caller = self.env().caller();
            ensure!(!content_hash.is_zero(), Error::InvalidDigest);
            ensure!(locator.is_valid(), Error::InvalidLocator);
            ensure!(
                matches!(purpose, Purpose::Treatment | Purpose::EmergencyTreatment),
                Error::InvalidSet
            );
            ensure!(!self.records.contains(id), Error::RecordExists);
            let facts = self.lookup(patient, caller, None)?;
            let now = self.env().block_timestamp();
            let outcome = match (facts.registration, &amends) {
                (Some(current), Some(previous)) if previous.registration != current => {
                    AuditOutcome::Denied(DenyReason::PatientNotActive)
                }
                _ if !facts.first.roles.contains(Role::Provider) => {
                    AuditOutcome::Denied(DenyReason::RoleNotEligible)
                }
                // Authors are organisations: the patient side is not a basis for writing.
                _ => {
                    let own = self
                        .slots
                        .get((patient, Grantee::Account(caller)))
                        .unwrap_or_default();
                    let anyone = self
                        .slots
                        .get((patient, Grantee::Anyone))
                        .unwrap_or_default();
                    let emergency = self
                        .open_session(patient, caller, now)
                        .filter(|_| !facts.refuses_break_glass)
                        .map(|session| (session.id, session.registration));
                    let inputs = Inputs {
                        patient: facts.registration.map(|r| (r, facts.epoch)),
                        patient_side: false,
                        emergency,
                        roles: facts.first.roles,
                        own: &own,
                        anyone: &anyone,
                    };
                    decide(&inputs, category, purpose, now)
                }
            };
            let granted = outcome.is_granted();
            // A refused write names the category: no record id is taken.
            let subject = if granted {
                AuditSubject::Record(id)
            } else {
                AuditSubject::Category(category)
            };
            let audit_seq = self.log(AuditRecord {
                action: AuditAction::RecordWrite,
                actor: caller,
                patient: Some(patient),
                subject,
                purpose: Some(purpose),
                outcome,
                initiator: None,
            })?;
            let decision = Decision { outcome, audit_seq };
            if !granted {
                return Ok(RecordWrite {
                    decision,
                    record: None,
                });
            }
            let registration = facts.registration.ok_or(Error::PatientNotFound)?;
            next_id(&mut self.record_count)?;
            let (version, previous_id) = match amends {
                Some(mut previous) => {
                    previous.superseded_by = Some(id);
                    self.records.insert(previous.id, &previous);
                    (
                        previous.version.checked_add(1).ok_or(Error::Overflow)?,
                        Some(previous.id),
                    )
                }
                None => (1, None),
            };
            self.records.insert(
                id,
                &RecordMeta {
                    id,
                    patient,
                    registration,
                    category,
                    author: caller,
                    content_hash,
                    version,
                    amends: previous_id,
                    superseded_by: None,
                    created_at: now,
                },
            );
            self.push(
                Update::Record(
                    id,
                    RecordFacts {
                        patient,
                        registration,
                        category,
                        author: caller,
                        locator,
                    },
                ),
                false,
            )?;
            self.patient_records.push(patient, id)?;
            self.env().emit_event(RecordAnchored {
                patient,
                author: caller,
                id,
                category,
                content_hash,
                version,
                amends: previous_id,
                audit_seq,
            });
            Ok(RecordWrite {
                decision,
                record: Some(id),
            })
        }

        fn slot_key(grant: &Grant) -> (PatientId, Grantee) {
            (grant.patient, grant.grantee)
        }

        fn validate_scope(scope: &GrantScope, now: Timestamp) -> Result<()> {
            ensure!(
                scope.categories.is_valid() && scope.purposes.is_valid(),
                Error::InvalidSet
            );
            ensure!(
                scope.valid_from < scope.valid_until && scope.valid_until > now,
                Error::InvalidWindow
            );
            Ok(())
        }
    }

    impl Governed for Consent {
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
