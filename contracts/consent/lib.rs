#![cfg_attr(not(feature = "std"), no_std, no_main)]

//! Consent: who may see which part of a patient's record, for what purpose, until when; medical
//! record anchors; break-glass emergency access. Every access decision, granted or denied, is
//! appended to the audit log before it is returned.
//!
//! Calls: registry (`IdentityView`: patient registration, organisation roles, controller or
//! delegate) and audit log (`AuditSink::append`). Both calls are made without re-entrancy; any
//! failure of either (error, `LangError`, trap) refuses the request and reverts it.
//!
//! Record anchors live here rather than in a contract of their own: reading a record's locator is
//! an access decision of this contract, so the requester is `caller()` of this contract directly.
//! A separate records contract would have to pass the requester's account to consent as an
//! argument (or make two cross-contract hops per read).

#[ink::contract]
mod consent {
    use carechain_common::events::consent::*;
    use carechain_common::{
        decide, ensure_nonzero, page_range, xcall, AccessBasis, AccessContext, AccessRequest,
        AuditAction, AuditOutcome, AuditRecord, AuditSink, AuditSubject, Callee, ConsentGate,
        DataCategory, Decision, DecisionInputs, DenyReason, Digest, Effect, Emergency, EmergencyId,
        EmergencyReason, EncryptedLocator, Error, Governance, GovernanceInfo, Governed, Grant,
        GrantId, GrantScope, GrantSlot, Grantee, IdentityView, Page, PatientId, PatientIndex,
        Purpose, RecordAccess, RecordAnchor, RecordId, RecordMeta, RecordWrite, Result, Role,
        DEFAULT_EMERGENCY_WINDOW, MAX_ACCESS_BATCH, MAX_EMERGENCY_WINDOW, MAX_GRANTS_PER_GRANTEE,
        MIN_EMERGENCY_WINDOW,
    };
    use ink::codegen::TraitCallBuilder;
    use ink::prelude::vec::Vec;
    use ink::storage::Mapping;

    /// Live grants of one patient for one grantee.
    type Slots = Vec<GrantSlot>;

    #[ink(storage)]
    pub struct Consent {
        gov: Governance,
        registry: ink::contract_ref!(IdentityView),
        audit: ink::contract_ref!(AuditSink),
        /// Contracts allowed to ask `authorize_disclosure` (claims).
        relying: Mapping<AccountId, ()>,

        grants: Mapping<GrantId, Grant>,
        /// Live grants per (patient, grantee); `Grantee::Anyone` is keyed by the zero account.
        slots: Mapping<(PatientId, AccountId), Slots>,
        grant_count: u64,
        patient_grants: PatientIndex,

        records: Mapping<RecordId, RecordAnchor>,
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
        /// The instantiating account becomes admin; `registry` and `audit_log` are the suite's
        /// contracts (fixed for this instance's life).
        #[ink(constructor)]
        pub fn new(registry: AccountId, audit_log: AccountId) -> Self {
            Self {
                gov: Governance::new(Self::env().caller()),
                registry: registry.into(),
                audit: audit_log.into(),
                relying: Mapping::default(),
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
        #[ink(message)]
        pub fn create_grant(
            &mut self,
            patient: PatientId,
            grantee: Grantee,
            scope: GrantScope,
            effect: Effect,
        ) -> Result<GrantId> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            let now = self.env().block_timestamp();
            Self::validate_scope(&scope, now)?;
            let registration = self.manager_context(patient, caller)?;
            let key_account = match (grantee, effect) {
                (Grantee::Anyone, Effect::Permit) => return Err(Error::GranteeNotEligible),
                (Grantee::Anyone, Effect::Deny) => carechain_common::zero_account(),
                (Grantee::Account(account), _) => {
                    ensure_nonzero(&account)?;
                    if effect == Effect::Permit {
                        let roles = xcall::read(
                            Callee::Registry,
                            self.registry.call().roles_of(account).try_invoke(),
                        )?;
                        if !scope.purposes.fits(roles) {
                            return Err(Error::GranteeNotEligible);
                        }
                    }
                    account
                }
            };
            let id = self.grant_count;
            self.grant_count = id.checked_add(1).ok_or(Error::Overflow)?;
            let key = (patient, key_account);
            let mut live = self.slots.get(key).unwrap_or_default();
            live.retain(|s| s.scope.valid_until > now && s.registration == registration);
            if live.len() >= MAX_GRANTS_PER_GRANTEE {
                return Err(Error::TooMany);
            }
            live.push(GrantSlot {
                id,
                registration,
                scope,
                effect,
            });
            self.slots.insert(key, &live);
            self.grants.insert(
                id,
                &Grant {
                    id,
                    patient,
                    registration,
                    grantee,
                    scope,
                    effect,
                    created_by: caller,
                    created_at: now,
                    revoked_at: None,
                },
            );
            self.patient_grants.push(patient, id)?;
            self.log_success(
                AuditAction::ConsentGrant,
                caller,
                patient,
                AuditSubject::Grant(id),
            )?;
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
        #[ink(message)]
        pub fn change_grant(&mut self, id: GrantId, scope: GrantScope) -> Result<()> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            let mut grant = self.live_grant(id)?;
            let now = self.env().block_timestamp();
            Self::validate_scope(&scope, now)?;
            self.ensure_grant_manager(&grant, caller)?;
            if let (Grantee::Account(account), Effect::Permit) = (grant.grantee, grant.effect) {
                let roles = xcall::read(
                    Callee::Registry,
                    self.registry.call().roles_of(account).try_invoke(),
                )?;
                if !scope.purposes.fits(roles) {
                    return Err(Error::GranteeNotEligible);
                }
            }
            let key = Self::slot_key(&grant);
            let mut live = self.slots.get(key).unwrap_or_default();
            let slot = live
                .iter_mut()
                .find(|s| s.id == id)
                .ok_or(Error::GrantNotFound)?;
            slot.scope = scope;
            self.slots.insert(key, &live);
            grant.scope = scope;
            self.grants.insert(id, &grant);
            self.log_success(
                AuditAction::ConsentChange,
                caller,
                grant.patient,
                AuditSubject::Grant(id),
            )?;
            self.env().emit_event(GrantChanged {
                patient: grant.patient,
                id,
                scope,
                by: caller,
            });
            Ok(())
        }

        /// Patient's controller or delegate: revoke a grant. It stops applying at once.
        #[ink(message)]
        pub fn revoke_grant(&mut self, id: GrantId) -> Result<()> {
            let caller = self.env().caller();
            // Works while paused: a pause must never keep a patient from withdrawing consent.
            let mut grant = self.live_grant(id)?;
            self.ensure_grant_manager(&grant, caller)?;
            let key = Self::slot_key(&grant);
            let mut live = self.slots.get(key).unwrap_or_default();
            live.retain(|s| s.id != id);
            if live.is_empty() {
                self.slots.remove(key);
            } else {
                self.slots.insert(key, &live);
            }
            grant.revoked_at = Some(self.env().block_timestamp());
            self.grants.insert(id, &grant);
            self.log_success(
                AuditAction::ConsentRevoke,
                caller,
                grant.patient,
                AuditSubject::Grant(id),
            )?;
            self.env().emit_event(GrantRevoked {
                patient: grant.patient,
                id,
                by: caller,
            });
            Ok(())
        }

        #[ink(message)]
        pub fn grant(&self, id: GrantId) -> Option<Grant> {
            self.grants.get(id)
        }

        /// The patient's grants (revoked and expired included), oldest first.
        #[ink(message)]
        pub fn patient_grants(&self, patient: PatientId, from: u64, limit: u32) -> Page<Grant> {
            self.patient_grants
                .page(patient, from, limit, |id| self.grants.get(id))
        }

        // ---------------------------------------------------------------- access decisions

        /// The caller asks for `category` of `patient`'s record for `purpose`. The decision is
        /// logged and emitted, granted or denied; `Err` only for a paused contract or a failed
        /// registry or audit-log call (then nothing is recorded).
        #[ink(message)]
        pub fn check_access(
            &mut self,
            patient: PatientId,
            category: DataCategory,
            purpose: Purpose,
        ) -> Result<Decision> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            let context = self.context(patient, caller)?;
            let outcome = self.decide(patient, caller, category, purpose, &context);
            self.record_decision(
                AuditAction::AccessCheck,
                caller,
                patient,
                AuditSubject::Category(category),
                purpose,
                outcome,
            )
        }

        /// The caller asks for several categories and purposes of one patient at once (up to
        /// `MAX_ACCESS_BATCH`, as an EHR opening a chart does). Each request is decided, logged as
        /// its own audit entry and emitted, exactly as `check_access` would; the registry is read
        /// once and the log is written in one call.
        #[ink(message)]
        pub fn check_access_batch(
            &mut self,
            patient: PatientId,
            requests: Vec<AccessRequest>,
        ) -> Result<Vec<Decision>> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            if requests.is_empty() {
                return Err(Error::Empty);
            }
            if requests.len() > MAX_ACCESS_BATCH {
                return Err(Error::TooMany);
            }
            let context = self.context(patient, caller)?;
            let inputs = self.inputs(patient, caller, &context);
            let now = self.env().block_timestamp();
            let records: Vec<AuditRecord> = requests
                .iter()
                .map(|r| AuditRecord {
                    action: AuditAction::AccessCheck,
                    actor: caller,
                    patient: Some(patient),
                    subject: AuditSubject::Category(r.category),
                    purpose: Some(r.purpose),
                    outcome: decide(&inputs, r.category, r.purpose, now),
                })
                .collect();
            let first = xcall::fallible(
                Callee::AuditLog,
                self.audit
                    .call_mut()
                    .append_batch(records.clone())
                    .try_invoke(),
            )?;
            let mut decisions = Vec::with_capacity(records.len());
            let mut audit_seq = first;
            for (record, request) in records.iter().zip(requests.iter()) {
                self.env().emit_event(AccessDecided {
                    patient,
                    requester: caller,
                    subject: record.subject,
                    purpose: request.purpose,
                    outcome: record.outcome,
                    audit_seq,
                });
                decisions.push(Decision {
                    outcome: record.outcome,
                    audit_seq,
                });
                audit_seq = audit_seq.checked_add(1).ok_or(Error::Overflow)?;
            }
            Ok(decisions)
        }

        /// The caller asks for a record's locator. Granted: the locator comes back (and a gateway
        /// serving the ciphertext can check the audit entry). Denied: no locator. Logged either way.
        #[ink(message)]
        pub fn access_record(
            &mut self,
            record: RecordId,
            purpose: Purpose,
        ) -> Result<RecordAccess> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            let anchor = self.records.get(record).ok_or(Error::RecordNotFound)?;
            let meta = anchor.meta;
            let context = self.context(meta.patient, caller)?;
            let outcome = if context.registration == Some(meta.registration) {
                self.decide(meta.patient, caller, meta.category, purpose, &context)
            } else {
                AuditOutcome::Denied(DenyReason::PatientNotActive)
            };
            let decision = self.record_decision(
                AuditAction::RecordRead,
                caller,
                meta.patient,
                AuditSubject::Record(record),
                purpose,
                outcome,
            )?;
            Ok(RecordAccess {
                decision,
                locator: decision.is_granted().then_some(anchor.locator),
            })
        }

        /// A credentialed provider anchors a new record for the patient. The write is an access
        /// decision for `purpose` (treatment or emergency treatment) and is logged either way.
        #[ink(message)]
        pub fn add_record(
            &mut self,
            patient: PatientId,
            category: DataCategory,
            purpose: Purpose,
            content_hash: Digest,
            locator: EncryptedLocator,
        ) -> Result<RecordWrite> {
            self.write_record(patient, category, purpose, content_hash, locator, None)
        }

        /// A credentialed provider amends the latest version of a record: a new version that
        /// names the one it amends. Nothing is overwritten.
        #[ink(message)]
        pub fn amend_record(
            &mut self,
            record: RecordId,
            purpose: Purpose,
            content_hash: Digest,
            locator: EncryptedLocator,
        ) -> Result<RecordWrite> {
            let previous = self.records.get(record).ok_or(Error::RecordNotFound)?.meta;
            if previous.superseded_by.is_some() {
                return Err(Error::RecordSuperseded);
            }
            self.write_record(
                previous.patient,
                previous.category,
                purpose,
                content_hash,
                locator,
                Some(previous),
            )
        }

        /// A record's anchor without its locator.
        #[ink(message)]
        pub fn record_meta(&self, record: RecordId) -> Option<RecordMeta> {
            self.records.get(record).map(|a| a.meta)
        }

        /// The patient's record anchors (without locators), oldest first.
        #[ink(message)]
        pub fn patient_records(
            &self,
            patient: PatientId,
            from: u64,
            limit: u32,
        ) -> Page<RecordMeta> {
            self.patient_records.page(patient, from, limit, |id| {
                self.records.get(id).map(|a| a.meta)
            })
        }

        // ---------------------------------------------------------------- break-glass

        /// An active provider opens emergency access to a patient. Recorded, not prevented:
        /// for the emergency window, requests for emergency treatment are granted (over any deny
        /// rule), and the session is listed for the patient and regulators to review.
        #[ink(message)]
        pub fn break_glass(
            &mut self,
            patient: PatientId,
            reason: EmergencyReason,
        ) -> Result<EmergencyId> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            let context = self.context(patient, caller)?;
            let registration = context.registration.ok_or(Error::PatientNotFound)?;
            if !context.roles.contains(Role::Provider) {
                return Err(Error::MissingRole);
            }
            let now = self.env().block_timestamp();
            if self.open_session(patient, caller, now).is_some() {
                return Err(Error::EmergencyActive);
            }
            let id = self.emergency_count;
            self.emergency_count = id.checked_add(1).ok_or(Error::Overflow)?;
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
                },
            );
            self.open_emergency.insert((patient, caller), &id);
            self.patient_emergencies.push(patient, id)?;
            let audit_seq = self.log(AuditRecord {
                action: AuditAction::EmergencyStart,
                actor: caller,
                patient: Some(patient),
                subject: AuditSubject::Emergency(id),
                purpose: Some(Purpose::EmergencyTreatment),
                outcome: AuditOutcome::Granted(AccessBasis::Emergency(id)),
            })?;
            self.env().emit_event(EmergencyOpened {
                patient,
                provider: caller,
                id,
                reason,
                expires_at,
                audit_seq,
            });
            Ok(id)
        }

        /// The provider who opened it, or the patient's controller or delegate, closes an open
        /// emergency session early.
        #[ink(message)]
        pub fn close_emergency(&mut self, id: EmergencyId) -> Result<()> {
            let caller = self.env().caller();
            // Works while paused, like revoking: a pause never keeps access open.
            let mut session = self.emergencies.get(id).ok_or(Error::NoEmergency)?;
            let now = self.env().block_timestamp();
            if !session.is_open(now) {
                return Err(Error::NoEmergency);
            }
            if caller != session.provider {
                let context = self.context(session.patient, caller)?;
                if context.manager.is_none() || context.registration != Some(session.registration) {
                    return Err(Error::NotParty);
                }
            }
            session.closed_at = Some(now);
            session.closed_by = Some(caller);
            self.emergencies.insert(id, &session);
            self.open_emergency
                .remove((session.patient, session.provider));
            let audit_seq = self.log(AuditRecord {
                action: AuditAction::EmergencyStop,
                actor: caller,
                patient: Some(session.patient),
                subject: AuditSubject::Emergency(id),
                purpose: Some(Purpose::EmergencyTreatment),
                outcome: AuditOutcome::Success,
            })?;
            self.env().emit_event(EmergencyClosed {
                patient: session.patient,
                id,
                by: caller,
                audit_seq,
            });
            Ok(())
        }

        #[ink(message)]
        pub fn emergency(&self, id: EmergencyId) -> Option<Emergency> {
            self.emergencies.get(id)
        }

        /// Every break-glass session ever opened (the regulators' review list), oldest first.
        #[ink(message)]
        pub fn emergencies(&self, from: u64, limit: u32) -> Page<Emergency> {
            Page {
                total: self.emergency_count,
                items: page_range(from, limit, self.emergency_count)
                    .filter_map(|id| self.emergencies.get(id))
                    .collect(),
            }
        }

        /// The patient's review list of break-glass sessions.
        #[ink(message)]
        pub fn patient_emergencies(
            &self,
            patient: PatientId,
            from: u64,
            limit: u32,
        ) -> Page<Emergency> {
            self.patient_emergencies
                .page(patient, from, limit, |id| self.emergencies.get(id))
        }

        #[ink(message)]
        pub fn emergency_window(&self) -> Timestamp {
            self.emergency_window
        }

        /// Governance: set the break-glass window (1 to 72 hours).
        #[ink(message)]
        pub fn set_emergency_window(&mut self, window: Timestamp) -> Result<()> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            self.gov.ensure_governor(&caller)?;
            if !(MIN_EMERGENCY_WINDOW..=MAX_EMERGENCY_WINDOW).contains(&window) {
                return Err(Error::InvalidWindow);
            }
            self.emergency_window = window;
            self.env()
                .emit_event(EmergencyWindowChanged { window, by: caller });
            Ok(())
        }

        // ---------------------------------------------------------------- configuration

        /// Governance: let a contract (claims) ask `authorize_disclosure`.
        #[ink(message)]
        pub fn add_relying_contract(&mut self, account: AccountId) -> Result<()> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            self.gov.ensure_governor(&caller)?;
            ensure_nonzero(&account)?;
            if self.relying.contains(account) {
                return Err(Error::AlreadyRelyingContract);
            }
            self.relying.insert(account, &());
            self.env().emit_event(RelyingContractAdded {
                account,
                by: caller,
            });
            Ok(())
        }

        #[ink(message)]
        pub fn remove_relying_contract(&mut self, account: AccountId) -> Result<()> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            self.gov.ensure_governor(&caller)?;
            if !self.relying.contains(account) {
                return Err(Error::RelyingContractNotFound);
            }
            self.relying.remove(account);
            self.env().emit_event(RelyingContractRemoved {
                account,
                by: caller,
            });
            Ok(())
        }

        #[ink(message)]
        pub fn is_relying_contract(&self, account: AccountId) -> bool {
            self.relying.contains(account)
        }

        /// (registry, audit log) this instance calls.
        #[ink(message)]
        pub fn dependencies(&self) -> (AccountId, AccountId) {
            (*self.registry.as_ref(), *self.audit.as_ref())
        }

        // ---------------------------------------------------------------- internals

        fn context(&self, patient: PatientId, account: AccountId) -> Result<AccessContext> {
            xcall::read(
                Callee::Registry,
                self.registry
                    .call()
                    .access_context(patient, account)
                    .try_invoke(),
            )
        }

        /// The patient's registration when `caller` is its controller or an active delegate.
        fn manager_context(&self, patient: PatientId, caller: AccountId) -> Result<u64> {
            let context = self.context(patient, caller)?;
            let registration = context.registration.ok_or(Error::PatientNotFound)?;
            if context.manager.is_none() {
                return Err(Error::NotPatientManager);
            }
            Ok(registration)
        }

        /// The caller manages the patient of `grant`, and `grant` belongs to the patient's current
        /// registration: a later holder of a re-registered id cannot touch an earlier one's
        /// grants (to it they do not exist).
        fn ensure_grant_manager(&self, grant: &Grant, caller: AccountId) -> Result<()> {
            if self.manager_context(grant.patient, caller)? != grant.registration {
                return Err(Error::GrantNotFound);
            }
            Ok(())
        }

        fn log(&mut self, record: AuditRecord) -> Result<u64> {
            xcall::fallible(
                Callee::AuditLog,
                self.audit.call_mut().append(record).try_invoke(),
            )
        }

        fn log_success(
            &mut self,
            action: AuditAction,
            actor: AccountId,
            patient: PatientId,
            subject: AuditSubject,
        ) -> Result<u64> {
            self.log(AuditRecord {
                action,
                actor,
                patient: Some(patient),
                subject,
                purpose: None,
                outcome: AuditOutcome::Success,
            })
        }

        /// Log a decision, emit it, return it.
        fn record_decision(
            &mut self,
            action: AuditAction,
            requester: AccountId,
            patient: PatientId,
            subject: AuditSubject,
            purpose: Purpose,
            outcome: AuditOutcome,
        ) -> Result<Decision> {
            let audit_seq = self.log(AuditRecord {
                action,
                actor: requester,
                patient: Some(patient),
                subject,
                purpose: Some(purpose),
                outcome,
            })?;
            self.env().emit_event(AccessDecided {
                patient,
                requester,
                subject,
                purpose,
                outcome,
                audit_seq,
            });
            Ok(Decision { outcome, audit_seq })
        }

        /// Read what the access rule needs about (patient, requester) once: the registry's
        /// answer, the requester's open break-glass session, and the live grants that could apply.
        fn inputs(
            &self,
            patient: PatientId,
            requester: AccountId,
            context: &AccessContext,
        ) -> DecisionInputs {
            let now = self.env().block_timestamp();
            let patient_side = context.manager.is_some();
            let mut inputs = DecisionInputs {
                registration: context.registration,
                patient_side,
                emergency: None,
                roles: context.roles,
                slots: Vec::new(),
            };
            if context.registration.is_none() || patient_side {
                return inputs;
            }
            if context.roles.contains(Role::Provider) {
                inputs.emergency = self
                    .open_session(patient, requester, now)
                    .map(|session| (session.id, session.registration));
            }
            inputs.slots = self.slots.get((patient, requester)).unwrap_or_default();
            inputs.slots.extend(
                self.slots
                    .get((patient, carechain_common::zero_account()))
                    .unwrap_or_default(),
            );
            inputs
        }

        fn decide(
            &self,
            patient: PatientId,
            requester: AccountId,
            category: DataCategory,
            purpose: Purpose,
            context: &AccessContext,
        ) -> AuditOutcome {
            let inputs = self.inputs(patient, requester, context);
            decide(&inputs, category, purpose, self.env().block_timestamp())
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

        fn write_record(
            &mut self,
            patient: PatientId,
            category: DataCategory,
            purpose: Purpose,
            content_hash: Digest,
            locator: EncryptedLocator,
            amends: Option<RecordMeta>,
        ) -> Result<RecordWrite> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            if content_hash.is_zero() {
                return Err(Error::InvalidContentHash);
            }
            if !locator.is_valid() {
                return Err(Error::InvalidLocator);
            }
            if !matches!(purpose, Purpose::Treatment | Purpose::EmergencyTreatment) {
                return Err(Error::InvalidSet);
            }
            let context = self.context(patient, caller)?;
            let outcome = match (context.registration, amends) {
                (Some(now), Some(previous)) if previous.registration != now => {
                    AuditOutcome::Denied(DenyReason::PatientNotActive)
                }
                _ if !context.roles.contains(Role::Provider) => {
                    AuditOutcome::Denied(DenyReason::RoleNotEligible)
                }
                // Authors are organisations: the patient side is not a basis for writing.
                _ => self.decide(
                    patient,
                    caller,
                    category,
                    purpose,
                    &AccessContext {
                        manager: None,
                        ..context
                    },
                ),
            };
            let id = self.record_count;
            let granted = outcome.is_granted();
            // A refused write names the category: no record id is taken.
            let subject = if granted {
                AuditSubject::Record(id)
            } else {
                AuditSubject::Category(category)
            };
            let decision = self.record_decision(
                AuditAction::RecordWrite,
                caller,
                patient,
                subject,
                purpose,
                outcome,
            )?;
            if !granted {
                return Ok(RecordWrite {
                    decision,
                    record: None,
                });
            }
            let registration = context.registration.ok_or(Error::PatientNotFound)?;
            self.record_count = id.checked_add(1).ok_or(Error::Overflow)?;
            let (version, previous_id) = match amends {
                Some(mut previous) => {
                    previous.superseded_by = Some(id);
                    let mut anchor = self.records.get(previous.id).ok_or(Error::RecordNotFound)?;
                    anchor.meta = previous;
                    self.records.insert(previous.id, &anchor);
                    (
                        previous.version.checked_add(1).ok_or(Error::Overflow)?,
                        Some(previous.id),
                    )
                }
                None => (1, None),
            };
            let meta = RecordMeta {
                id,
                patient,
                registration,
                category,
                author: caller,
                content_hash,
                version,
                amends: previous_id,
                superseded_by: None,
                created_at: self.env().block_timestamp(),
            };
            self.records.insert(id, &RecordAnchor { meta, locator });
            self.patient_records.push(patient, id)?;
            self.env().emit_event(RecordAnchored {
                patient,
                author: caller,
                id,
                category,
                content_hash,
                version,
                amends: previous_id,
            });
            Ok(RecordWrite {
                decision,
                record: Some(id),
            })
        }

        fn live_grant(&self, id: GrantId) -> Result<Grant> {
            let grant = self.grants.get(id).ok_or(Error::GrantNotFound)?;
            if grant.revoked_at.is_some() {
                return Err(Error::GrantRevoked);
            }
            Ok(grant)
        }

        fn slot_key(grant: &Grant) -> (PatientId, AccountId) {
            match grant.grantee {
                Grantee::Account(account) => (grant.patient, account),
                Grantee::Anyone => (grant.patient, carechain_common::zero_account()),
            }
        }

        fn validate_scope(scope: &GrantScope, now: Timestamp) -> Result<()> {
            if !scope.categories.is_valid() || !scope.purposes.is_valid() {
                return Err(Error::InvalidSet);
            }
            if scope.valid_from >= scope.valid_until || scope.valid_until <= now {
                return Err(Error::InvalidWindow);
            }
            Ok(())
        }
    }

    impl ConsentGate for Consent {
        /// Relying contracts only: may `recipient` receive `record` (of `patient`) for
        /// `purpose`? Logged as a disclosure, granted or denied.
        #[ink(message)]
        fn authorize_disclosure(
            &mut self,
            patient: PatientId,
            record: RecordId,
            recipient: AccountId,
            purpose: Purpose,
        ) -> Result<Decision> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            if !self.relying.contains(caller) {
                return Err(Error::NotRelyingContract);
            }
            let meta = self.records.get(record).ok_or(Error::RecordNotFound)?.meta;
            if meta.patient != patient {
                return Err(Error::RecordPatientMismatch);
            }
            let context = self.context(patient, recipient)?;
            let outcome = if context.registration == Some(meta.registration) {
                // The recipient is a third party: the patient-side basis does not apply.
                self.decide(
                    patient,
                    recipient,
                    meta.category,
                    purpose,
                    &AccessContext {
                        manager: None,
                        ..context
                    },
                )
            } else {
                AuditOutcome::Denied(DenyReason::PatientNotActive)
            };
            self.record_decision(
                AuditAction::Disclosure,
                recipient,
                patient,
                AuditSubject::Record(record),
                purpose,
                outcome,
            )
        }
    }

    impl Governed for Consent {
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
}
