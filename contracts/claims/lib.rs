#![cfg_attr(not(feature = "std"), no_std, no_main)]

//! Insurance claims settled on chain.
//!
//! - Insurers create policies (coverage, period, annual limit, deductible, co-insurance) for a
//!   patient's current registration and hold native tokens in escrow here; only what is not
//!   committed to approved claims can be withdrawn.
//! - Providers submit claims (lines of keyed service hash, billed amount and, for a pharmacy
//!   line, the pack's keyed commitment) backed by a record anchor they authored. No service
//!   category, code, date, batch or serial is an argument (arguments are public forever); the
//!   insurer learns them off chain, checks a pharmacy line's pack against provenance
//!   (`carechain_sdk::claims::check_pack`) and decides coverage at adjudication. The access
//!   contract must permit the insurer the payment purpose for that record (it logs the disclosure
//!   naming both, granted or denied); exact duplicates (patient, provider, service, amount) are
//!   refused, and so is a pack commitment already billed on a standing claim.
//! - The policy's insurer, holding its role, adjudicates per line (deductible, co-insurance and the
//!   annual limit computed here with checked arithmetic), pends, or denies; the provider may
//!   appeal once, and may withdraw an appeal left undecided past `APPEAL_DEADLINE`.
//! - Settlement pays the approved amount from that insurer's escrow to the provider, exactly once,
//!   and only while both still hold their roles.
//!
//! Calls: access (`lookup`, `authorize_disclosure`) and the audit log. Neither calls back.

#[ink::contract]
mod claims {
    use carechain_common::events::claims::*;
    use carechain_common::{
        ensure, next_id, sha256, xcall, AccessGate, AccessRef, AuditAction, AuditOutcome,
        AuditRecord, AuditRef, AuditSubject, Callee, Claim, ClaimId, ClaimLine, ClaimStatus,
        DenialReason, Digest, Error, Escrow, GovAction, Governance, Governed, LineDecision,
        LineResult, PatientId, PatientIndex, Pause, Policy, PolicyId, PolicyTerms, Purpose,
        RecordId, Result, Role, RoleSet, StoredLine, SubmitOutcome, APPEAL_DEADLINE, BASIS_POINTS,
        FILING_GRACE, MAX_CLAIM_LINES, MAX_POLICY_PERIOD,
    };
    use ink::codegen::TraitCallBuilder;
    use ink::prelude::vec::Vec;
    use ink::scale::Encode;
    use ink::storage::Mapping;

    #[ink(storage)]
    pub struct Claims {
        gov: Governance,
        access: AccessRef,
        audit: AuditRef,
        policies: Mapping<PolicyId, Policy>,
        policy_count: u64,
        escrows: Mapping<AccountId, Escrow>,
        claims: Mapping<ClaimId, Claim>,
        claim_count: u64,
        /// Duplicate key of each line of a live claim -> that claim.
        duplicates: Mapping<Digest, ClaimId>,
        patient_claims: PatientIndex,
    }

    impl Claims {
        /// The instantiating account becomes admin; the other contracts are the suite's (fixed).
        #[ink(constructor)]
        pub fn new(access: AccountId, audit_log: AccountId) -> Self {
            Self {
                gov: Governance::new(Self::env().caller()),
                access: access.into(),
                audit: audit_log.into(),
                policies: Mapping::default(),
                policy_count: 0,
                escrows: Mapping::default(),
                claims: Mapping::default(),
                claim_count: 0,
                duplicates: Mapping::default(),
                patient_claims: PatientIndex::default(),
            }
        }

        // ---------------------------------------------------------------- policies and escrow

        /// Insurer: create a policy for a registered patient (its current registration).
        ///
        /// # Errors
        /// `InvalidPolicy`, `InvalidSet`, `InvalidWindow`, `MissingRole`, `Overflow`,
        /// `PatientNotFound`, `Paused`; `Downstream` (a refusal or failure of: access).
        ///
        /// # Events
        /// `PolicyCreated`.
        #[ink(message)]
        pub fn create_policy(
            &mut self,
            patient: PatientId,
            terms: PolicyTerms,
        ) -> Result<PolicyId> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            ensure!(terms.coverage.is_valid(), Error::InvalidSet);
            let length = terms
                .period_end
                .checked_sub(terms.period_start)
                .ok_or(Error::InvalidWindow)?;
            ensure!(
                length != 0 && length <= MAX_POLICY_PERIOD && terms.period_end > self.now(),
                Error::InvalidWindow
            );
            ensure!(
                terms.annual_limit != 0
                    && terms.deductible <= terms.annual_limit
                    && terms.coinsurance_bps <= BASIS_POINTS,
                Error::InvalidPolicy
            );
            let facts = xcall::read(
                Callee::Access,
                self.access
                    .call()
                    .lookup(Some(patient), caller, None)
                    .try_invoke(),
            )?;
            Self::ensure_role(facts.first.roles, Role::Insurer)?;
            let registration = facts.registration.ok_or(Error::PatientNotFound)?;
            let id = next_id(&mut self.policy_count)?;
            self.policies.insert(
                id,
                &Policy {
                    id,
                    insurer: caller,
                    patient,
                    registration,
                    terms,
                    plan_used: 0,
                    deductible_met: 0,
                    closed: false,
                },
            );
            self.env().emit_event(PolicyCreated {
                policy: id,
                insurer: caller,
                patient,
            });
            Ok(id)
        }

        /// The policy's insurer: accept no new claims on it.
        ///
        /// # Errors
        /// `NotParty`, `Paused`, `PolicyNotActive`, `PolicyNotFound`.
        ///
        /// # Events
        /// `PolicyClosed`.
        #[ink(message)]
        pub fn close_policy(&mut self, policy: PolicyId) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            let mut record = self.policies.get(policy).ok_or(Error::PolicyNotFound)?;
            ensure!(record.insurer == caller, Error::NotParty);
            ensure!(!record.closed, Error::PolicyNotActive);
            record.closed = true;
            self.policies.insert(policy, &record);
            self.env().emit_event(PolicyClosed { policy });
            Ok(())
        }

        /// Insurer: add the transferred value to the caller's escrow.
        ///
        /// # Errors
        /// `MissingRole`, `Overflow`, `Paused`, `ZeroAmount`; `Downstream` (a refusal or failure
        /// of: access).
        ///
        /// # Events
        /// `EscrowChanged`.
        #[ink(message, payable)]
        pub fn deposit(&mut self) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            let amount = self.env().transferred_value();
            ensure!(amount != 0, Error::ZeroAmount);
            Self::ensure_role(self.roles(caller, None)?.0, Role::Insurer)?;
            let mut escrow = self.escrows.get(caller).unwrap_or_default();
            escrow.balance = escrow.balance.checked_add(amount).ok_or(Error::Overflow)?;
            self.escrows.insert(caller, &escrow);
            self.emit_escrow(
                caller,
                &escrow,
                i128::try_from(amount).map_err(|_| Error::Overflow)?,
            );
            Ok(())
        }

        /// Escrow owner: take back what no approved claim is waiting for.
        ///
        /// # Errors
        /// `InsufficientEscrow`, `Overflow`, `Paused`, `TransferFailed`, `ZeroAmount`.
        ///
        /// # Events
        /// `EscrowChanged`.
        #[ink(message)]
        pub fn withdraw(&mut self, amount: Balance) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            ensure!(amount != 0, Error::ZeroAmount);
            let mut escrow = self.escrows.get(caller).unwrap_or_default();
            ensure!(amount <= escrow.available(), Error::InsufficientEscrow);
            escrow.balance = escrow.balance.checked_sub(amount).ok_or(Error::Overflow)?;
            self.escrows.insert(caller, &escrow);
            let delta = i128::try_from(amount).map_err(|_| Error::Overflow)?;
            self.emit_escrow(caller, &escrow, delta.checked_neg().ok_or(Error::Overflow)?);
            self.env()
                .transfer(caller, amount)
                .map_err(|_| Error::TransferFailed)
        }

        // ---------------------------------------------------------------- claims

        /// Provider: submit a claim on `policy` for `patient`, backed by `record` (which it
        /// authored).
        ///
        /// # Errors
        /// `DuplicateClaim`, `Empty`, `InvalidDigest`, `InvalidPolicy`, `MissingRole`, `Overflow`,
        /// `Paused`, `PolicyNotActive`, `PolicyNotFound`, `TooMany`, `ZeroAmount`; `Downstream` (a
        /// refusal or failure of: access, audit log).
        ///
        /// # Events
        /// `ClaimSubmitted`; the audit log's `Appended`.
        #[ink(message)]
        pub fn submit_claim(
            &mut self,
            policy: PolicyId,
            patient: PatientId,
            record: RecordId,
            lines: Vec<ClaimLine>,
        ) -> Result<SubmitOutcome> {
            self.gov.enter(Pause::Stops)?;
            self.submit(policy, patient, record, lines, None)
        }

        /// Provider: replace a claim not yet settled with a corrected one. The original becomes
        /// `Replaced` (its duplicate keys and any commitment are released) only if the
        /// replacement is accepted.
        ///
        /// # Errors
        /// `ClaimNotFound`, `DuplicateClaim`, `Empty`, `InvalidClaimState`, `InvalidDigest`,
        /// `InvalidPolicy`, `MissingRole`, `NotParty`, `Overflow`, `Paused`, `PolicyNotActive`,
        /// `PolicyNotFound`, `TooMany`, `ZeroAmount`; `Downstream` (a refusal or failure of:
        /// access, audit log).
        ///
        /// # Events
        /// `ClaimStatusChanged`, `ClaimSubmitted`; the audit log's `Appended`.
        #[ink(message)]
        pub fn replace_claim(
            &mut self,
            original: ClaimId,
            record: RecordId,
            lines: Vec<ClaimLine>,
        ) -> Result<SubmitOutcome> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            let mut old = self.claims.get(original).ok_or(Error::ClaimNotFound)?;
            ensure!(old.provider == caller, Error::NotParty);
            ensure!(self.withdrawable(&old), Error::InvalidClaimState);
            let outcome = self.submit(old.policy, old.patient, record, lines, Some(&old))?;
            if let SubmitOutcome::Submitted(new) = outcome {
                self.release(&mut old)?;
                old.status = ClaimStatus::Replaced;
                old.replaced_by = Some(new);
                self.claims.insert(original, &old);
                self.log(caller, &old, AuditAction::ClaimVoid)?;
                self.emit_status(&old, caller);
            }
            Ok(outcome)
        }

        /// Provider: withdraw a claim not yet settled (an appeal only once it is undecided past
        /// `APPEAL_DEADLINE`).
        ///
        /// # Errors
        /// `ClaimNotFound`, `InvalidClaimState`, `NotParty`, `Overflow`, `Paused`,
        /// `PolicyNotFound`; `Downstream` (a refusal or failure of: audit log).
        ///
        /// # Events
        /// `ClaimStatusChanged`; the audit log's `Appended`.
        #[ink(message)]
        pub fn void_claim(&mut self, claim: ClaimId) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            let mut record = self.claims.get(claim).ok_or(Error::ClaimNotFound)?;
            ensure!(record.provider == caller, Error::NotParty);
            ensure!(self.withdrawable(&record), Error::InvalidClaimState);
            self.release(&mut record)?;
            record.status = ClaimStatus::Voided;
            self.claims.insert(claim, &record);
            self.log(caller, &record, AuditAction::ClaimVoid)?;
            self.emit_status(&record, caller);
            Ok(())
        }

        /// The policy's insurer, holding its role: decide each line. Deductible, co-insurance and
        /// the annual limit are applied in line order; the plan's share is committed in the
        /// insurer's escrow.
        ///
        /// # Errors
        /// `ClaimNotFound`, `InsufficientEscrow`, `InvalidAdjudication`, `InvalidClaimState`,
        /// `MissingRole`, `NotParty`, `Overflow`, `Paused`, `PolicyNotFound`; `Downstream` (a
        /// refusal or failure of: access, audit log).
        ///
        /// # Events
        /// `ClaimStatusChanged`; the audit log's `Appended`.
        #[ink(message)]
        pub fn adjudicate(
            &mut self,
            claim: ClaimId,
            decisions: Vec<LineDecision>,
        ) -> Result<ClaimStatus> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            let mut record = self.insurer_claim(claim, caller)?;
            ensure!(
                matches!(
                    record.status,
                    ClaimStatus::Submitted | ClaimStatus::Pended | ClaimStatus::Appealed
                ),
                Error::InvalidClaimState
            );
            ensure!(
                decisions.len() == record.lines.len(),
                Error::InvalidAdjudication
            );
            let mut policy = self
                .policies
                .get(record.policy)
                .ok_or(Error::PolicyNotFound)?;
            let mut deductible_left = policy
                .terms
                .deductible
                .saturating_sub(policy.deductible_met);
            let mut limit_left = policy.terms.annual_limit.saturating_sub(policy.plan_used);
            let mut results = Vec::with_capacity(decisions.len());
            let (mut approved, mut share, mut deductible) = (0u128, 0u128, 0u128);
            let (mut denied_lines, mut full_lines) = (0usize, 0usize);
            for (line, decision) in record.lines.iter().zip(decisions.iter()) {
                let result = match *decision {
                    LineDecision::Approve { allowed } => {
                        ensure!(allowed <= line.billed, Error::InvalidAdjudication);
                        if allowed == line.billed {
                            full_lines = full_lines.saturating_add(1);
                        }
                        let r = cost::share_line(
                            allowed,
                            deductible_left,
                            limit_left,
                            policy.terms.coinsurance_bps,
                        )?;
                        deductible_left = deductible_left
                            .checked_sub(r.deductible)
                            .ok_or(Error::Overflow)?;
                        limit_left = limit_left.checked_sub(r.plan_pays).ok_or(Error::Overflow)?;
                        r
                    }
                    LineDecision::Deny(reason) => {
                        denied_lines = denied_lines.saturating_add(1);
                        LineResult {
                            denied: Some(reason),
                            ..LineResult::default()
                        }
                    }
                };
                approved = approved
                    .checked_add(result.plan_pays)
                    .ok_or(Error::Overflow)?;
                share = share
                    .checked_add(cost::patient_share(&result)?)
                    .ok_or(Error::Overflow)?;
                deductible = deductible
                    .checked_add(result.deductible)
                    .ok_or(Error::Overflow)?;
                results.push(result);
            }
            let status = if denied_lines == record.lines.len() {
                ClaimStatus::Denied
            } else if full_lines == record.lines.len() {
                ClaimStatus::Approved
            } else {
                ClaimStatus::PartiallyApproved
            };
            let mut escrow = self.escrows.get(caller).unwrap_or_default();
            escrow.committed = escrow
                .committed
                .checked_add(approved)
                .ok_or(Error::Overflow)?;
            ensure!(
                escrow.committed <= escrow.balance,
                Error::InsufficientEscrow
            );
            policy.plan_used = policy
                .plan_used
                .checked_add(approved)
                .ok_or(Error::Overflow)?;
            policy.deductible_met = policy
                .deductible_met
                .checked_add(deductible)
                .ok_or(Error::Overflow)?;
            record.results = results;
            record.approved = approved;
            record.patient_share = share;
            record.deductible_applied = deductible;
            record.pend_reason = None;
            record.status = status;
            self.escrows.insert(caller, &escrow);
            self.policies.insert(record.policy, &policy);
            self.claims.insert(claim, &record);
            self.log(caller, &record, AuditAction::ClaimAdjudicate)?;
            self.emit_status(&record, caller);
            Ok(status)
        }

        /// The policy's insurer, holding its role: ask for more information before deciding.
        ///
        /// # Errors
        /// `ClaimNotFound`, `InvalidClaimState`, `MissingRole`, `NotParty`, `Paused`; `Downstream`
        /// (a refusal or failure of: access).
        ///
        /// # Events
        /// `ClaimStatusChanged`.
        #[ink(message)]
        pub fn pend(&mut self, claim: ClaimId, reason: DenialReason) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            let mut record = self.insurer_claim(claim, caller)?;
            ensure!(
                matches!(
                    record.status,
                    ClaimStatus::Submitted | ClaimStatus::Appealed
                ),
                Error::InvalidClaimState
            );
            record.status = ClaimStatus::Pended;
            record.pend_reason = Some(reason);
            self.claims.insert(claim, &record);
            self.emit_status(&record, caller);
            Ok(())
        }

        /// Provider: appeal a denied or partially approved claim, once. The commitment is
        /// released until the insurer decides again.
        ///
        /// # Errors
        /// `AppealUsed`, `ClaimNotFound`, `InvalidClaimState`, `NotParty`, `Overflow`, `Paused`,
        /// `PolicyNotFound`.
        ///
        /// # Events
        /// `ClaimStatusChanged`.
        #[ink(message)]
        pub fn appeal(&mut self, claim: ClaimId) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            let mut record = self.claims.get(claim).ok_or(Error::ClaimNotFound)?;
            ensure!(record.provider == caller, Error::NotParty);
            ensure!(
                matches!(
                    record.status,
                    ClaimStatus::Denied | ClaimStatus::PartiallyApproved
                ),
                Error::InvalidClaimState
            );
            ensure!(!record.appealed, Error::AppealUsed);
            self.release_commitment(&mut record)?;
            record.appealed = true;
            record.appealed_at = Some(self.now());
            record.status = ClaimStatus::Appealed;
            self.claims.insert(claim, &record);
            self.emit_status(&record, caller);
            Ok(())
        }

        /// Insurer or provider: pay the approved amount from the insurer's escrow to the
        /// provider, once, while the provider still holds its role and the insurer its own.
        ///
        /// # Errors
        /// `ClaimNotFound`, `InsufficientEscrow`, `InvalidClaimState`, `MissingRole`, `NotParty`,
        /// `Paused`, `TransferFailed`; `Downstream` (a refusal or failure of: access, audit log).
        ///
        /// # Events
        /// `ClaimSettled`; the audit log's `Appended`.
        #[ink(message)]
        pub fn settle(&mut self, claim: ClaimId) -> Result<Balance> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            let mut record = self.claims.get(claim).ok_or(Error::ClaimNotFound)?;
            ensure!(
                caller == record.insurer || caller == record.provider,
                Error::NotParty
            );
            ensure!(
                matches!(
                    record.status,
                    ClaimStatus::Approved | ClaimStatus::PartiallyApproved
                ),
                Error::InvalidClaimState
            );
            let (provider, insurer) = self.roles(record.provider, Some(record.insurer))?;
            Self::ensure_role(provider, Role::Provider)?;
            Self::ensure_role(insurer, Role::Insurer)?;
            let amount = record.approved;
            let mut escrow = self.escrows.get(record.insurer).unwrap_or_default();
            escrow.balance = escrow
                .balance
                .checked_sub(amount)
                .ok_or(Error::InsufficientEscrow)?;
            escrow.committed = escrow
                .committed
                .checked_sub(amount)
                .ok_or(Error::InsufficientEscrow)?;
            self.escrows.insert(record.insurer, &escrow);
            record.status = ClaimStatus::Settled;
            record.settled_at = Some(self.now());
            self.claims.insert(claim, &record);
            self.log(caller, &record, AuditAction::ClaimSettle)?;
            self.env().emit_event(ClaimSettled {
                claim,
                provider: record.provider,
                amount,
                patient_share: record.patient_share,
            });
            if amount > 0 {
                self.env()
                    .transfer(record.provider, amount)
                    .map_err(|_| Error::TransferFailed)?;
            }
            Ok(amount)
        }

        // ---------------------------------------------------------------- internals

        fn now(&self) -> Timestamp {
            self.env().block_timestamp()
        }

        fn roles(&self, first: AccountId, second: Option<AccountId>) -> Result<(RoleSet, RoleSet)> {
            let facts = xcall::read(
                Callee::Access,
                self.access.call().lookup(None, first, second).try_invoke(),
            )?;
            Ok((facts.first.roles, facts.second.roles))
        }

        fn ensure_role(held: RoleSet, role: Role) -> Result<()> {
            if held.contains(role) {
                Ok(())
            } else {
                Err(Error::MissingRole(RoleSet::of(&[role])))
            }
        }

        /// Submitted, pended, approved, partially approved or denied; appealed only after the
        /// insurer left the appeal undecided past `APPEAL_DEADLINE`.
        fn withdrawable(&self, claim: &Claim) -> bool {
            match claim.status {
                ClaimStatus::Submitted
                | ClaimStatus::Pended
                | ClaimStatus::Approved
                | ClaimStatus::PartiallyApproved
                | ClaimStatus::Denied => true,
                ClaimStatus::Appealed => claim
                    .appealed_at
                    .is_some_and(|at| self.now() >= at.saturating_add(APPEAL_DEADLINE)),
                _ => false,
            }
        }

        /// The keys a line holds while its claim stands: its exact-duplicate key (X12 reason
        /// 18: patient, provider, service, amount) and, for a drug line, the pack's key: a pack
        /// is billed once.
        fn line_keys(
            patient: &PatientId,
            provider: &AccountId,
            line: &StoredLine,
        ) -> impl Iterator<Item = Digest> {
            let exact = sha256(&(patient, provider, line.service_ref, line.billed).encode());
            core::iter::once(exact).chain(line.pack)
        }

        fn submit(
            &mut self,
            policy_id: PolicyId,
            patient: PatientId,
            record: RecordId,
            lines: Vec<ClaimLine>,
            original: Option<&Claim>,
        ) -> Result<SubmitOutcome> {
            let replaces = original.map(|claim| claim.id);
            let caller = self.env().caller();
            let policy = self.policies.get(policy_id).ok_or(Error::PolicyNotFound)?;
            ensure!(policy.patient == patient, Error::InvalidPolicy);
            let now = self.now();
            let filing_end = policy.terms.period_end.saturating_add(FILING_GRACE);
            ensure!(
                !policy.closed && now >= policy.terms.period_start && now < filing_end,
                Error::PolicyNotActive
            );
            ensure!(!lines.is_empty(), Error::Empty);
            ensure!(lines.len() <= MAX_CLAIM_LINES, Error::TooMany);
            let mut billed: Balance = 0;
            let mut stored = Vec::with_capacity(lines.len());
            let mut keys = Vec::with_capacity(lines.len().saturating_mul(2));
            for line in &lines {
                ensure!(line.billed != 0, Error::ZeroAmount);
                ensure!(!line.service_ref.is_zero(), Error::InvalidDigest);
                ensure!(
                    !line.drug.is_some_and(|pack| pack.is_zero()),
                    Error::InvalidDigest
                );
                billed = billed.checked_add(line.billed).ok_or(Error::Overflow)?;
                let kept = StoredLine {
                    service_ref: line.service_ref,
                    billed: line.billed,
                    pack: line.drug,
                };
                for key in Self::line_keys(&patient, &caller, &kept) {
                    let taken = self
                        .duplicates
                        .get(key)
                        .is_some_and(|owner| Some(owner) != replaces);
                    ensure!(!taken && !keys.contains(&key), Error::DuplicateClaim);
                    keys.push(key);
                }
                stored.push(kept);
            }
            let disclosure = xcall::fallible(
                Callee::Access,
                self.access
                    .call_mut()
                    .authorize_disclosure(patient, record, caller, policy.insurer, Purpose::Payment)
                    .try_invoke(),
            )?;
            Self::ensure_role(disclosure.claimant_roles, Role::Provider)?;
            ensure!(
                disclosure.registration == Some(policy.registration),
                Error::PolicyNotActive
            );
            if !disclosure.decision.is_granted() {
                return Ok(SubmitOutcome::ConsentDenied {
                    audit_seq: disclosure.decision.audit_seq,
                });
            }
            let id = next_id(&mut self.claim_count)?;
            for key in &keys {
                self.duplicates.insert(key, &id);
            }
            let claim = Claim {
                id,
                policy: policy_id,
                patient,
                provider: caller,
                insurer: policy.insurer,
                record,
                lines: stored,
                billed,
                status: ClaimStatus::Submitted,
                submitted_at: now,
                disclosure_seq: disclosure.decision.audit_seq,
                results: Vec::new(),
                approved: 0,
                patient_share: 0,
                deductible_applied: 0,
                pend_reason: None,
                // A replacement continues its original: the one appeal is not renewed.
                appealed: original.is_some_and(|claim| claim.appealed),
                appealed_at: None,
                replaces,
                replaced_by: None,
                settled_at: None,
            };
            self.claims.insert(id, &claim);
            self.patient_claims.push(patient, id)?;
            self.log(caller, &claim, AuditAction::ClaimSubmit)?;
            self.env().emit_event(ClaimSubmitted {
                claim: id,
                patient,
                provider: caller,
                policy: policy_id,
                billed,
                replaces,
            });
            Ok(SubmitOutcome::Submitted(id))
        }

        /// The claim, when the caller is its insurer and still holds the insurer role.
        fn insurer_claim(&self, claim: ClaimId, caller: AccountId) -> Result<Claim> {
            let record = self.claims.get(claim).ok_or(Error::ClaimNotFound)?;
            ensure!(record.insurer == caller, Error::NotParty);
            Self::ensure_role(self.roles(caller, None)?.0, Role::Insurer)?;
            Ok(record)
        }

        /// Undo an adjudication's effect on escrow and policy.
        fn release_commitment(&mut self, claim: &mut Claim) -> Result<()> {
            if claim.approved == 0 && claim.deductible_applied == 0 {
                return Ok(());
            }
            let mut escrow = self.escrows.get(claim.insurer).unwrap_or_default();
            escrow.committed = escrow
                .committed
                .checked_sub(claim.approved)
                .ok_or(Error::Overflow)?;
            self.escrows.insert(claim.insurer, &escrow);
            let mut policy = self
                .policies
                .get(claim.policy)
                .ok_or(Error::PolicyNotFound)?;
            policy.plan_used = policy
                .plan_used
                .checked_sub(claim.approved)
                .ok_or(Error::Overflow)?;
            policy.deductible_met = policy
                .deductible_met
                .checked_sub(claim.deductible_applied)
                .ok_or(Error::Overflow)?;
            self.policies.insert(claim.policy, &policy);
            claim.approved = 0;
            claim.patient_share = 0;
            claim.deductible_applied = 0;
            claim.results = Vec::new();
            Ok(())
        }

        /// A voided or replaced claim gives back its commitment and its duplicate keys (those
        /// a replacement took over stay with the replacement).
        fn release(&mut self, claim: &mut Claim) -> Result<()> {
            self.release_commitment(claim)?;
            for line in &claim.lines {
                for key in Self::line_keys(&claim.patient, &claim.provider, line) {
                    if self.duplicates.get(key) == Some(claim.id) {
                        self.duplicates.remove(key);
                    }
                }
            }
            Ok(())
        }

        fn log(&mut self, actor: AccountId, claim: &Claim, action: AuditAction) -> Result<u64> {
            xcall::audit(
                &mut self.audit,
                ink::prelude::vec![AuditRecord {
                    action,
                    actor,
                    patient: Some(claim.patient),
                    subject: AuditSubject::Claim(claim.id),
                    purpose: Some(Purpose::Payment),
                    outcome: AuditOutcome::Success,
                    initiator: None,
                }],
            )
        }

        fn emit_status(&self, claim: &Claim, by: AccountId) {
            self.env().emit_event(ClaimStatusChanged {
                claim: claim.id,
                status: claim.status,
                approved: claim.approved,
                patient_share: claim.patient_share,
                by,
            });
        }

        fn emit_escrow(&self, insurer: AccountId, escrow: &Escrow, delta: i128) {
            self.env().emit_event(EscrowChanged {
                insurer,
                delta,
                balance: escrow.balance,
                committed: escrow.committed,
            });
        }
    }

    impl Governed for Claims {
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

    /// Cost sharing, with checked arithmetic: an overflow is an error, never a wrap.
    mod cost {
        use carechain_common::{Balance, Error, LineResult, Result, BASIS_POINTS};

        /// Cost sharing for one approved line, given what is left of the deductible and of the
        /// limit: deductible first, then co-insurance (rounded down, in the patient's favour),
        /// then the limit caps what the plan pays (the rest is the patient's).
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

        /// What the patient owes for a line: deductible, co-insurance and what the limit left
        /// uncovered.
        pub fn patient_share(line: &LineResult) -> Result<Balance> {
            line.deductible
                .checked_add(line.coinsurance)
                .and_then(|s| s.checked_add(line.over_limit))
                .ok_or(Error::Overflow)
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
                assert_eq!(patient_share(&r).unwrap() + r.plan_pays, 1000);
                // The limit caps what the plan pays; the rest is the patient's.
                let r = share_line(1000, 0, 500, 2000).unwrap();
                assert_eq!(
                    (r.plan_pays, r.over_limit, patient_share(&r).unwrap()),
                    (500, 300, 500)
                );
                // Zero allowed, full deductible, 100 % co-insurance.
                assert_eq!(share_line(0, 10, 10, 2000).unwrap().plan_pays, 0);
                assert_eq!(share_line(50, 100, 10, 0).unwrap().deductible, 50);
                assert_eq!(share_line(50, 0, 100, 10_000).unwrap().plan_pays, 0);
                // Co-insurance rounds down (in the patient's favour, by less than one unit);
                // nothing is lost.
                let r = share_line(3, 0, 100, 3333).unwrap();
                assert_eq!(r.coinsurance + r.plan_pays, 3);
            }

            #[test]
            fn overflow_is_an_error() {
                assert_eq!(share_line(u128::MAX, 0, u128::MAX, 2), Err(Error::Overflow));
                let r = share_line(u128::MAX, 0, u128::MAX, 0).unwrap();
                assert_eq!(r.plan_pays, u128::MAX);
                assert_eq!(patient_share(&r).unwrap(), 0);
            }
        }
    }
}
