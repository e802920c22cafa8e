#![cfg_attr(not(feature = "std"), no_std, no_main)]

//! Insurance claims settled on chain.
//!
//! - Insurers create policies (coverage, period, annual limit, deductible, co-insurance) and hold
//!   native tokens in escrow here; only what is not committed to approved claims can be withdrawn.
//! - Providers submit claims (lines of service category, keyed service hash, billed amount,
//!   optionally a dispensed drug) backed by a record anchor. Consent must permit the insurer the
//!   payment purpose for that record (asked of consent, which logs the disclosure, granted or
//!   denied); drug lines on recalled, quarantined, counterfeit or undispensed packs are refused;
//!   exact duplicates (patient, provider, service, amount) are refused, and so is a pack already
//!   billed on a standing claim.
//! - The policy's insurer adjudicates per line (deductible, co-insurance and the annual limit are
//!   computed here with checked arithmetic), pends, or denies; the provider may appeal once (a
//!   replacement does not renew the appeal).
//! - Settlement pays the approved amount from that insurer's escrow to the provider, exactly once.
//!
//! Calls: registry (roles, patient registration), consent (`ConsentGate`), provenance
//! (`ProvenanceView`) and audit log (`AuditSink`). None of them calls back.

#[ink::contract]
mod claims {
    use carechain_common::events::claims::*;
    use carechain_common::{
        sha256, share_line, xcall, AuditAction, AuditOutcome, AuditRecord, AuditSink, AuditSubject,
        Callee, Claim, ClaimId, ClaimLine, ClaimStatus, ConsentGate, DenialReason, Digest, Error,
        Escrow, Governance, GovernanceInfo, Governed, IdentityView, LineDecision, LineResult, Page,
        PatientId, PatientIndex, Policy, PolicyId, PolicyTerms, ProvenanceView, Purpose, RecordId,
        Result, Role, SubmitOutcome, BASIS_POINTS, FILING_GRACE, MAX_CLAIM_LINES,
        MAX_POLICY_PERIOD,
    };
    use ink::codegen::TraitCallBuilder;
    use ink::prelude::vec::Vec;
    use ink::scale::Encode;
    use ink::storage::Mapping;

    #[ink(storage)]
    pub struct Claims {
        gov: Governance,
        registry: ink::contract_ref!(IdentityView),
        consent: ink::contract_ref!(ConsentGate),
        provenance: ink::contract_ref!(ProvenanceView),
        audit: ink::contract_ref!(AuditSink),
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
        /// The instantiating account becomes admin.
        #[ink(constructor)]
        pub fn new(
            registry: AccountId,
            consent: AccountId,
            provenance: AccountId,
            audit_log: AccountId,
        ) -> Self {
            Self {
                gov: Governance::new(Self::env().caller()),
                registry: registry.into(),
                consent: consent.into(),
                provenance: provenance.into(),
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

        /// Insurer: create a policy for a registered patient.
        #[ink(message)]
        pub fn create_policy(
            &mut self,
            patient: PatientId,
            terms: PolicyTerms,
        ) -> Result<PolicyId> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            if !terms.coverage.is_valid() {
                return Err(Error::InvalidSet);
            }
            let length = terms
                .period_end
                .checked_sub(terms.period_start)
                .ok_or(Error::InvalidWindow)?;
            if length == 0 || length > MAX_POLICY_PERIOD || terms.period_end <= self.now() {
                return Err(Error::InvalidWindow);
            }
            if terms.annual_limit == 0
                || terms.deductible > terms.annual_limit
                || terms.coinsurance_bps > BASIS_POINTS
            {
                return Err(Error::InvalidPolicy);
            }
            self.ensure_role(caller, Role::Insurer)?;
            let registered = xcall::read(
                Callee::Registry,
                self.registry
                    .call()
                    .patient_registration(patient)
                    .try_invoke(),
            )?;
            if registered.is_none() {
                return Err(Error::PatientNotFound);
            }
            let id = self.policy_count;
            self.policy_count = id.checked_add(1).ok_or(Error::Overflow)?;
            self.policies.insert(
                id,
                &Policy {
                    id,
                    insurer: caller,
                    patient,
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
        #[ink(message)]
        pub fn close_policy(&mut self, policy: PolicyId) -> Result<()> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            let mut record = self.policies.get(policy).ok_or(Error::PolicyNotFound)?;
            if record.insurer != caller {
                return Err(Error::NotParty);
            }
            if record.closed {
                return Err(Error::PolicyNotActive);
            }
            record.closed = true;
            self.policies.insert(policy, &record);
            self.env().emit_event(PolicyClosed { policy });
            Ok(())
        }

        /// Insurer: add the transferred value to the caller's escrow.
        #[ink(message, payable)]
        pub fn deposit(&mut self) -> Result<()> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            let amount = self.env().transferred_value();
            if amount == 0 {
                return Err(Error::ZeroAmount);
            }
            self.ensure_role(caller, Role::Insurer)?;
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
        #[ink(message)]
        pub fn withdraw(&mut self, amount: Balance) -> Result<()> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            if amount == 0 {
                return Err(Error::ZeroAmount);
            }
            let mut escrow = self.escrows.get(caller).unwrap_or_default();
            if amount > escrow.available() {
                return Err(Error::InsufficientEscrow);
            }
            escrow.balance = escrow.balance.checked_sub(amount).ok_or(Error::Overflow)?;
            self.escrows.insert(caller, &escrow);
            let delta = i128::try_from(amount).map_err(|_| Error::Overflow)?;
            self.emit_escrow(caller, &escrow, delta.checked_neg().ok_or(Error::Overflow)?);
            self.env()
                .transfer(caller, amount)
                .map_err(|_| Error::TransferFailed)
        }

        #[ink(message)]
        pub fn policy(&self, policy: PolicyId) -> Option<Policy> {
            self.policies.get(policy)
        }

        #[ink(message)]
        pub fn escrow(&self, insurer: AccountId) -> Escrow {
            self.escrows.get(insurer).unwrap_or_default()
        }

        // ---------------------------------------------------------------- claims

        /// Provider: submit a claim on `policy` for `patient`, backed by `record`.
        #[ink(message)]
        pub fn submit_claim(
            &mut self,
            policy: PolicyId,
            patient: PatientId,
            record: RecordId,
            lines: Vec<ClaimLine>,
        ) -> Result<SubmitOutcome> {
            self.submit(policy, patient, record, lines, None)
        }

        /// Provider: replace a claim not yet settled with a corrected one. The original becomes
        /// `Replaced` (its duplicate keys and any commitment are released) only if the
        /// replacement is accepted.
        #[ink(message)]
        pub fn replace_claim(
            &mut self,
            original: ClaimId,
            record: RecordId,
            lines: Vec<ClaimLine>,
        ) -> Result<SubmitOutcome> {
            let caller = self.env().caller();
            let mut old = self.claims.get(original).ok_or(Error::ClaimNotFound)?;
            if old.provider != caller {
                return Err(Error::NotParty);
            }
            if !Self::withdrawable(old.status) {
                return Err(Error::InvalidClaimState);
            }
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

        /// Provider: withdraw a claim not yet settled.
        #[ink(message)]
        pub fn void_claim(&mut self, claim: ClaimId) -> Result<()> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            let mut record = self.claims.get(claim).ok_or(Error::ClaimNotFound)?;
            if record.provider != caller {
                return Err(Error::NotParty);
            }
            if !Self::withdrawable(record.status) {
                return Err(Error::InvalidClaimState);
            }
            self.release(&mut record)?;
            record.status = ClaimStatus::Voided;
            self.claims.insert(claim, &record);
            self.log(caller, &record, AuditAction::ClaimVoid)?;
            self.emit_status(&record, caller);
            Ok(())
        }

        /// The policy's insurer: decide each line. Deductible, co-insurance and the annual limit
        /// are applied in line order; the plan's share is committed in the insurer's escrow.
        #[ink(message)]
        pub fn adjudicate(
            &mut self,
            claim: ClaimId,
            decisions: Vec<LineDecision>,
        ) -> Result<ClaimStatus> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            let mut record = self.insurer_claim(claim, caller)?;
            if !matches!(
                record.status,
                ClaimStatus::Submitted | ClaimStatus::Pended | ClaimStatus::Appealed
            ) {
                return Err(Error::InvalidClaimState);
            }
            if decisions.len() != record.lines.len() {
                return Err(Error::InvalidAdjudication);
            }
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
                        if allowed > line.billed {
                            return Err(Error::InvalidAdjudication);
                        }
                        if allowed == line.billed {
                            full_lines = full_lines.saturating_add(1);
                        }
                        let r = share_line(
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
                    .checked_add(result.patient_share()?)
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
            if escrow.committed > escrow.balance {
                return Err(Error::InsufficientEscrow);
            }
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

        /// The policy's insurer: ask for more information before deciding.
        #[ink(message)]
        pub fn pend(&mut self, claim: ClaimId, reason: DenialReason) -> Result<()> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            let mut record = self.insurer_claim(claim, caller)?;
            if !matches!(
                record.status,
                ClaimStatus::Submitted | ClaimStatus::Appealed
            ) {
                return Err(Error::InvalidClaimState);
            }
            record.status = ClaimStatus::Pended;
            record.pend_reason = Some(reason);
            self.claims.insert(claim, &record);
            self.emit_status(&record, caller);
            Ok(())
        }

        /// Provider: appeal a denied or partially approved claim, once. The commitment is
        /// released until the insurer decides again.
        #[ink(message)]
        pub fn appeal(&mut self, claim: ClaimId) -> Result<()> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            let mut record = self.claims.get(claim).ok_or(Error::ClaimNotFound)?;
            if record.provider != caller {
                return Err(Error::NotParty);
            }
            if !matches!(
                record.status,
                ClaimStatus::Denied | ClaimStatus::PartiallyApproved
            ) {
                return Err(Error::InvalidClaimState);
            }
            if record.appealed {
                return Err(Error::AppealUsed);
            }
            self.release_commitment(&mut record)?;
            record.appealed = true;
            record.status = ClaimStatus::Appealed;
            self.claims.insert(claim, &record);
            self.emit_status(&record, caller);
            Ok(())
        }

        /// Insurer or provider: pay the approved amount from the insurer's escrow to the
        /// provider. Once.
        #[ink(message)]
        pub fn settle(&mut self, claim: ClaimId) -> Result<Balance> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            let mut record = self.claims.get(claim).ok_or(Error::ClaimNotFound)?;
            if caller != record.insurer && caller != record.provider {
                return Err(Error::NotParty);
            }
            if !matches!(
                record.status,
                ClaimStatus::Approved | ClaimStatus::PartiallyApproved
            ) {
                return Err(Error::InvalidClaimState);
            }
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

        #[ink(message)]
        pub fn claim(&self, claim: ClaimId) -> Option<Claim> {
            self.claims.get(claim)
        }

        #[ink(message)]
        pub fn claim_count(&self) -> u64 {
            self.claim_count
        }

        /// The patient's claims, oldest first.
        #[ink(message)]
        pub fn patient_claims(&self, patient: PatientId, from: u64, limit: u32) -> Page<Claim> {
            self.patient_claims
                .page(patient, from, limit, |id| self.claims.get(id))
        }

        /// (registry, consent, provenance, audit log) this instance calls.
        #[ink(message)]
        pub fn dependencies(&self) -> (AccountId, AccountId, AccountId, AccountId) {
            (
                *self.registry.as_ref(),
                *self.consent.as_ref(),
                *self.provenance.as_ref(),
                *self.audit.as_ref(),
            )
        }

        // ---------------------------------------------------------------- internals

        fn now(&self) -> Timestamp {
            self.env().block_timestamp()
        }

        fn ensure_role(&self, account: AccountId, role: Role) -> Result<()> {
            let held = xcall::read(
                Callee::Registry,
                self.registry.call().has_role(account, role).try_invoke(),
            )?;
            if held {
                Ok(())
            } else {
                Err(Error::MissingRole)
            }
        }

        fn withdrawable(status: ClaimStatus) -> bool {
            matches!(
                status,
                ClaimStatus::Submitted
                    | ClaimStatus::Pended
                    | ClaimStatus::Approved
                    | ClaimStatus::PartiallyApproved
                    | ClaimStatus::Denied
            )
        }

        /// The keys a line holds while its claim stands: its exact-duplicate key (X12 reason
        /// 18: patient, provider, service, amount) and, for a drug line, the dispensed pack
        /// (batch and serial): a pack is billed once, whoever bills it.
        fn line_keys(
            patient: &PatientId,
            provider: &AccountId,
            line: &ClaimLine,
        ) -> impl Iterator<Item = Digest> {
            let exact = sha256(&(patient, provider, line.service_ref, line.billed).encode());
            let pack = line
                .drug
                .map(|drug| sha256(&(b"dispensed-pack", drug.batch, drug.serial).encode()));
            core::iter::once(exact).chain(pack)
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
            self.gov.ensure_not_paused()?;
            let policy = self.policies.get(policy_id).ok_or(Error::PolicyNotFound)?;
            if policy.patient != patient {
                return Err(Error::InvalidPolicy);
            }
            let now = self.now();
            let filing_end = policy.terms.period_end.saturating_add(FILING_GRACE);
            if policy.closed || now < policy.terms.period_start || now >= filing_end {
                return Err(Error::PolicyNotActive);
            }
            if lines.is_empty() {
                return Err(Error::Empty);
            }
            if lines.len() > MAX_CLAIM_LINES {
                return Err(Error::TooMany);
            }
            let mut billed: Balance = 0;
            let mut keys = Vec::with_capacity(lines.len().saturating_mul(2));
            for line in &lines {
                if line.billed == 0 {
                    return Err(Error::ZeroAmount);
                }
                if line.service_ref.is_zero() {
                    return Err(Error::InvalidContentHash);
                }
                if !policy.terms.coverage.contains(line.service) {
                    return Err(Error::NotCovered);
                }
                billed = billed.checked_add(line.billed).ok_or(Error::Overflow)?;
                for key in Self::line_keys(&patient, &caller, line) {
                    let taken = self
                        .duplicates
                        .get(key)
                        .is_some_and(|owner| Some(owner) != replaces);
                    if taken || keys.contains(&key) {
                        return Err(Error::DuplicateClaim);
                    }
                    keys.push(key);
                }
            }
            self.ensure_role(caller, Role::Provider)?;
            for drug in lines.iter().filter_map(|l| l.drug) {
                let verification = xcall::read(
                    Callee::Provenance,
                    self.provenance
                        .call()
                        .verify_serial(drug.batch, drug.serial)
                        .try_invoke(),
                )?;
                if !verification.payable() {
                    return Err(Error::DrugRefused);
                }
            }
            let decision = xcall::fallible(
                Callee::Consent,
                self.consent
                    .call_mut()
                    .authorize_disclosure(patient, record, policy.insurer, Purpose::Payment)
                    .try_invoke(),
            )?;
            if !decision.is_granted() {
                return Ok(SubmitOutcome::ConsentDenied {
                    audit_seq: decision.audit_seq,
                });
            }
            let id = self.claim_count;
            self.claim_count = id.checked_add(1).ok_or(Error::Overflow)?;
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
                lines,
                billed,
                status: ClaimStatus::Submitted,
                submitted_at: now,
                disclosure_seq: decision.audit_seq,
                results: Vec::new(),
                approved: 0,
                patient_share: 0,
                deductible_applied: 0,
                pend_reason: None,
                // A replacement continues its original: the one appeal is not renewed.
                appealed: original.is_some_and(|claim| claim.appealed),
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

        fn insurer_claim(&self, claim: ClaimId, caller: AccountId) -> Result<Claim> {
            let record = self.claims.get(claim).ok_or(Error::ClaimNotFound)?;
            if record.insurer != caller {
                return Err(Error::NotParty);
            }
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
            xcall::fallible(
                Callee::AuditLog,
                self.audit
                    .call_mut()
                    .append(AuditRecord {
                        action,
                        actor,
                        patient: Some(claim.patient),
                        subject: AuditSubject::Claim(claim.id),
                        purpose: Some(Purpose::Payment),
                        outcome: AuditOutcome::Success,
                    })
                    .try_invoke(),
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
