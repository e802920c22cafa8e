#![cfg_attr(not(feature = "std"), no_std, no_main)]

//! Access: the small contract every audited access decision runs in.
//!
//! A decision reads only this contract's storage — organisations' effective roles and patients'
//! facts (kept current by the registry), live grant slots, open break-glass sessions and record
//! anchors (kept current by consent) — decides with the suite's one access rule
//! (`carechain-rules`), appends the decision to the audit log and answers it. Granted or denied,
//! every decision is an audit entry; the record gateway releases data only against a granted,
//! finalized `RecordRead` entry written by this contract.
//!
//! Calls: the audit log (`AuditSink::append`), nothing else. Any failure of that call
//! refuses the request (nothing unlogged is ever granted).
//!
//! Writes to the projection (`AccessGate::update`) come only from the registry and consent,
//! wired once by the admin; a write that only takes something away (`restricts`) is applied even
//! while this contract is paused.

#[ink::contract]
mod access {
    use carechain_common::events::access::{
        RelyingContractAdded, RelyingContractRemoved, WritersSet,
    };
    use carechain_common::{
        ensure, ensure_nonzero, xcall, AccessGate, AccessRequest, AuditAction, AuditOutcome,
        AuditRecord, AuditRef, AuditSubject, DataCategory, Decision, Disclosure, Error, Facts,
        GovAction, Governance, Governed, GrantSlot, GrantSlots, Grantee, Party, PatientCell,
        PatientId, Pause, Purpose, RecordAccess, RecordFacts, RecordId, Result, RoleSet, Session,
        Update, Wiring, MAX_ACCESS_BATCH, MAX_RELYING,
    };
    use carechain_rules::{decide_record_read, Context, Projection};
    use ink::prelude::vec::Vec;
    use ink::storage::Mapping;

    #[ink(storage)]
    pub struct Access {
        gov: Governance,
        audit: AuditRef,
        /// The registry and consent contracts that write the projection (wired once).
        writers: Option<(AccountId, AccountId)>,
        /// Contracts allowed to ask for disclosures (claims).
        relying: Vec<AccountId>,
        /// Effective roles of every organisation (empty while suspended or revoked).
        orgs: Mapping<AccountId, RoleSet>,
        patients: Mapping<PatientId, PatientCell>,
        /// Live grant slots per (patient, grantee); "anyone" lives in the patient's cell.
        slots: Mapping<(PatientId, AccountId), GrantSlots>,
        /// Open break-glass sessions per (patient, provider).
        sessions: Mapping<(PatientId, AccountId), Session>,
        records: Mapping<RecordId, RecordFacts>,
    }

    /// The contract's storage as the access rule reads it.
    struct Stored<'a>(&'a Access);

    impl Projection for Stored<'_> {
        fn roles(&mut self, account: &AccountId) -> Option<RoleSet> {
            self.0.orgs.get(account)
        }
        fn patient_cell(&mut self, patient: &PatientId) -> Option<PatientCell> {
            self.0.patients.get(patient)
        }
        fn slots(&mut self, patient: &PatientId, grantee: &AccountId) -> Vec<GrantSlot> {
            self.0.slots.get((patient, grantee)).unwrap_or_default()
        }
        fn session(&mut self, patient: &PatientId, provider: &AccountId) -> Option<Session> {
            self.0.sessions.get((patient, provider))
        }
    }

    fn entry(
        action: AuditAction,
        actor: AccountId,
        patient: PatientId,
        subject: AuditSubject,
        purpose: Purpose,
        outcome: AuditOutcome,
    ) -> AuditRecord {
        AuditRecord {
            action,
            actor,
            patient: Some(patient),
            subject,
            purpose: Some(purpose),
            outcome,
            initiator: None,
        }
    }

    impl Access {
        /// The instantiating account becomes admin; `audit_log` is the suite's log (fixed).
        #[ink(constructor)]
        pub fn new(audit_log: AccountId) -> Self {
            Self {
                gov: Governance::new(Self::env().caller()),
                audit: audit_log.into(),
                writers: None,
                relying: Vec::new(),
                orgs: Mapping::default(),
                patients: Mapping::default(),
                slots: Mapping::default(),
                sessions: Mapping::default(),
                records: Mapping::default(),
            }
        }

        /// The caller asks for `category` of `patient`'s record for `purpose`. The decision is
        /// logged, granted or denied; `Err` only for a paused contract or a failed audit-log
        /// call (then nothing is recorded and nothing granted).
        ///
        /// # Errors
        /// `Empty`, `Overflow`, `Paused`, `TooMany`; `Downstream` (a refusal or failure of: audit
        /// log).
        ///
        /// # Events
        /// The audit log's `Appended`.
        #[ink(message)]
        pub fn check_access(
            &mut self,
            patient: PatientId,
            category: DataCategory,
            purpose: Purpose,
        ) -> Result<Decision> {
            let decisions = self.check_access_batch(
                patient,
                ink::prelude::vec![AccessRequest { category, purpose }],
            )?;
            decisions.into_iter().next().ok_or(Error::Empty)
        }

        /// Several categories and purposes of one patient at once (up to `MAX_ACCESS_BATCH`, as
        /// an EHR opening a chart does). Each request is decided and logged as its own audit
        /// entry, exactly as `check_access` would; the entries are stored together.
        ///
        /// # Errors
        /// `Empty`, `Overflow`, `Paused`, `TooMany`; `Downstream` (a refusal or failure of: audit
        /// log).
        ///
        /// # Events
        /// The audit log's `Appended`.
        #[ink(message)]
        pub fn check_access_batch(
            &mut self,
            patient: PatientId,
            requests: Vec<AccessRequest>,
        ) -> Result<Vec<Decision>> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            ensure!(!requests.is_empty(), Error::Empty);
            ensure!(requests.len() <= MAX_ACCESS_BATCH, Error::TooMany);
            let emergency = requests
                .iter()
                .any(|r| r.purpose == Purpose::EmergencyTreatment);
            let context = self.context(patient, caller, false, emergency);
            let now = self.env().block_timestamp();
            let records: Vec<AuditRecord> = requests
                .iter()
                .map(|r| {
                    entry(
                        AuditAction::AccessCheck,
                        caller,
                        patient,
                        AuditSubject::Category(r.category),
                        r.purpose,
                        context.decide(r.category, r.purpose, now),
                    )
                })
                .collect();
            let mut audit_seq = self.log(records.clone())?;
            let mut decisions = Vec::with_capacity(records.len());
            for record in records {
                decisions.push(Decision {
                    outcome: record.outcome,
                    audit_seq,
                });
                audit_seq = audit_seq.checked_add(1).ok_or(Error::Overflow)?;
            }
            Ok(decisions)
        }

        /// The caller asks for a record's locator. Granted: the locator comes back, and the audit
        /// entry is what the record gateway releases the ciphertext against. Denied: no locator.
        /// Logged either way.
        ///
        /// # Errors
        /// `Paused`, `RecordNotFound`; `Downstream` (a refusal or failure of: audit log).
        ///
        /// # Events
        /// The audit log's `Appended`.
        #[ink(message)]
        pub fn access_record(
            &mut self,
            record: RecordId,
            purpose: Purpose,
        ) -> Result<RecordAccess> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            let facts = self.records.get(record).ok_or(Error::RecordNotFound)?;
            let now = self.env().block_timestamp();
            let outcome = decide_record_read(&mut Stored(self), &facts, &caller, purpose, now);
            let audit_seq = self.log(ink::prelude::vec![entry(
                AuditAction::RecordRead,
                caller,
                facts.patient,
                AuditSubject::Record(record),
                purpose,
                outcome,
            )])?;
            Ok(RecordAccess {
                decision: Decision { outcome, audit_seq },
                locator: outcome.is_granted().then_some(facts.locator),
            })
        }

        /// Wire the contract: the registry and consent once (admin), relying contracts
        /// (governors). Relying contracts must be contracts; removing one works while paused.
        ///
        /// # Errors
        /// `AlreadyConfigured`, `NotAContract`, `NotAdmin`, `NotGovernor`, `Paused`,
        /// `RelyingContractExists`, `RelyingContractNotFound`, `TooMany`, `ZeroAccount`.
        ///
        /// # Events
        /// `RelyingContractAdded`, `RelyingContractRemoved`, `WritersSet`.
        #[ink(message)]
        pub fn wire(&mut self, wiring: Wiring) -> Result<()> {
            let caller = self.env().caller();
            match wiring {
                Wiring::Writers { registry, consent } => {
                    self.gov.enter(Pause::Stops)?;
                    self.gov.ensure_admin(&caller)?;
                    ensure!(self.writers.is_none(), Error::AlreadyConfigured);
                    ensure!(
                        self.env().is_contract(&registry) && self.env().is_contract(&consent),
                        Error::NotAContract
                    );
                    self.writers = Some((registry, consent));
                    self.env().emit_event(WritersSet {
                        registry,
                        consent,
                        by: caller,
                    });
                }
                Wiring::AddRelying(account) => {
                    self.gov.enter(Pause::Stops)?;
                    self.gov.ensure_governor(&caller)?;
                    ensure_nonzero(&account)?;
                    ensure!(
                        !self.relying.contains(&account),
                        Error::RelyingContractExists
                    );
                    ensure!(self.env().is_contract(&account), Error::NotAContract);
                    ensure!(self.relying.len() < MAX_RELYING, Error::TooMany);
                    self.relying.push(account);
                    self.env().emit_event(RelyingContractAdded {
                        account,
                        by: caller,
                    });
                }
                Wiring::RemoveRelying(account) => {
                    self.gov.enter(Pause::Never)?;
                    self.gov.ensure_governor(&caller)?;
                    let position = self
                        .relying
                        .iter()
                        .position(|a| *a == account)
                        .ok_or(Error::RelyingContractNotFound)?;
                    self.relying.swap_remove(position);
                    self.env().emit_event(RelyingContractRemoved {
                        account,
                        by: caller,
                    });
                }
            }
            Ok(())
        }

        // ---------------------------------------------------------------- internals

        /// Read what decisions about (patient, requester) need. A third party (a disclosure's
        /// recipient) never counts as the patient's side; the break-glass session is read only
        /// when an emergency purpose is asked for.
        fn context(
            &self,
            patient: PatientId,
            requester: AccountId,
            third_party: bool,
            emergency: bool,
        ) -> Context {
            Context::read(
                &mut Stored(self),
                &patient,
                &requester,
                third_party,
                emergency,
                self.env().block_timestamp(),
            )
        }

        fn log(&mut self, records: Vec<AuditRecord>) -> Result<u64> {
            xcall::audit(&mut self.audit, records)
        }

        fn party(&self, account: AccountId, cell: Option<&PatientCell>, now: Timestamp) -> Party {
            let org = self.orgs.get(account);
            Party {
                roles: org.unwrap_or_default(),
                manager: if org.is_some() {
                    None
                } else {
                    cell.and_then(|c| c.facts.manager(&account, now))
                },
            }
        }
    }

    impl AccessGate for Access {
        ///
        /// # Errors
        /// None: it answers a value, never a refusal.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn lookup(
            &self,
            patient: Option<PatientId>,
            first: AccountId,
            second: Option<AccountId>,
        ) -> Facts {
            let now = self.env().block_timestamp();
            let cell = patient.and_then(|p| self.patients.get(p));
            Facts {
                registration: cell.as_ref().map(|c| c.facts.registration),
                epoch: cell.as_ref().map_or(0, |c| c.facts.epoch),
                refuses_break_glass: cell.as_ref().is_some_and(|c| c.facts.refuses_break_glass),
                first: self.party(first, cell.as_ref(), now),
                second: second
                    .map(|account| self.party(account, cell.as_ref(), now))
                    .unwrap_or_default(),
            }
        }

        ///
        /// # Errors
        /// `NotConfigured`, `NotSuiteContract`.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn update(&mut self, update: Update, restricts: bool) -> Result<()> {
            self.gov.enter(if restricts {
                Pause::Never
            } else {
                Pause::Stops
            })?;
            let (registry, consent) = self.writers.ok_or(Error::NotConfigured)?;
            let owner = match update {
                Update::Organisation(..) | Update::Patient(..) => registry,
                Update::Slots(..) | Update::Session(..) | Update::Record(..) => consent,
            };
            ensure!(self.env().caller() == owner, Error::NotSuiteContract);
            match update {
                Update::Organisation(account, roles) => {
                    self.orgs.insert(account, &roles);
                }
                Update::Patient(patient, None) => self.patients.remove(patient),
                Update::Patient(patient, Some(facts)) => {
                    // Deny rules for "anyone" of the same registration stay; a new registration
                    // of the id starts with none.
                    let anyone = self
                        .patients
                        .get(patient)
                        .filter(|cell| cell.facts.registration == facts.registration)
                        .map(|cell| cell.anyone)
                        .unwrap_or_default();
                    self.patients
                        .insert(patient, &PatientCell { facts, anyone });
                }
                Update::Slots(patient, Grantee::Anyone, slots) => {
                    if let Some(mut cell) = self.patients.get(patient) {
                        cell.anyone = slots;
                        self.patients.insert(patient, &cell);
                    }
                }
                Update::Slots(patient, Grantee::Account(grantee), slots) => {
                    if slots.is_empty() {
                        self.slots.remove((patient, grantee));
                    } else {
                        self.slots.insert((patient, grantee), &slots);
                    }
                }
                Update::Session(patient, provider, Some(session)) => {
                    self.sessions.insert((patient, provider), &session);
                }
                Update::Session(patient, provider, None) => {
                    self.sessions.remove((patient, provider));
                }
                Update::Record(record, facts) => {
                    self.records.insert(record, &facts);
                }
            }
            Ok(())
        }

        ///
        /// # Errors
        /// `NotAuthor`, `NotSuiteContract`, `Paused`, `RecordNotFound`, `RecordPatientMismatch`;
        /// `Downstream` (a refusal or failure of: audit log).
        ///
        /// # Events
        /// The audit log's `Appended`.
        #[ink(message)]
        fn authorize_disclosure(
            &mut self,
            patient: PatientId,
            record: RecordId,
            claimant: AccountId,
            recipient: AccountId,
            purpose: Purpose,
        ) -> Result<Disclosure> {
            self.gov.enter(Pause::Stops)?;
            ensure!(
                self.relying.contains(&self.env().caller()),
                Error::NotSuiteContract
            );
            let facts = self.records.get(record).ok_or(Error::RecordNotFound)?;
            ensure!(facts.patient == patient, Error::RecordPatientMismatch);
            ensure!(facts.author == claimant, Error::NotAuthor);
            // The recipient is a third party: the patient-side basis does not apply.
            let context = self.context(patient, recipient, true, false);
            let outcome = context.decide_record(&facts, purpose, self.env().block_timestamp());
            let mut disclosure = entry(
                AuditAction::Disclosure,
                recipient,
                patient,
                AuditSubject::Record(record),
                purpose,
                outcome,
            );
            disclosure.initiator = Some(claimant);
            let audit_seq = self.log(ink::prelude::vec![disclosure])?;
            Ok(Disclosure {
                decision: Decision { outcome, audit_seq },
                registration: context.patient.map(|(registration, _)| registration),
                claimant_roles: self.orgs.get(claimant).unwrap_or_default(),
            })
        }
    }

    impl Governed for Access {
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
