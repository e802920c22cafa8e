#![cfg_attr(not(feature = "std"), no_std, no_main)]

//! Immunisation credentials with selective disclosure.
//!
//! - **Issue**: a credentialed provider or public-health organisation anchors a credential: a
//!   SHA-256 Merkle root over salted claims (vaccine product, dose number, date, lot, the
//!   holder's key, yes/no predicates such as "fully vaccinated against X on date D"), the tree's
//!   depth and the administered dose. The dose must be a serial of a known lot that the issuer
//!   dispensed (administered), from a lot neither recalled, quarantined nor expired; one dose
//!   backs one credential that is not revoked (revoking frees the dose, so the issuer can issue a
//!   corrected credential for it). No patient id and no claim in the clear reach the chain.
//! - **Verify**: the holder gives the verifier, off chain, the claims it chose with their salts
//!   and Merkle paths; the verifier passes the chain only their leaf *hashes* and paths (call
//!   arguments are public forever: no claim goes on chain), the opened holder-key leaf and the
//!   holder's ECDSA (secp256k1) signature over the verifier's challenge. The contract checks the
//!   paths against the root, the holder's key leaf, the signature (the
//!   `ecdsa_recover` host function; `sr25519_verify` is an unstable host function production
//!   chains do not offer), the credential's status and the dose lot's *current* provenance
//!   status: a recall after issuance is reported at the next verification, with no loop over
//!   credentials. The holder's signature covers the verifier's account and challenge, and a
//!   verifier's reused challenge is refused (`Replayed`); the issuer's standing is checked too (a
//!   suspended or revoked issuer vouches for nothing). Every verification is logged to the audit
//!   log under a tag of its own per verifier (`verification_tag`), never the credential id, so
//!   what two verifiers' verifications write does not link; a dry run answers without logging.
//!   Verification off chain (`carechain_sdk::credentials::verify_offchain`, the default of the
//!   command line) writes nothing at all: the call's own arguments (credential id, the holder
//!   key's opening) are public forever.
//! - **Suspend / revoke** are restrictions: the issuer (no role needed: an issuer that lost its
//!   role can still withdraw what it issued), a governor of this contract or a regulator may; they
//!   work while paused and queue their audit entry when the log does not take it
//!   (`flush_audit`). Reinstating needs the issuer with an active role — or, for an authority's
//!   suspension, an authority.
//!
//! Calls: access (`lookup`: roles), provenance (`verify_serial`), audit log. None calls back.

#[ink::contract]
mod credentials {
    use carechain_common::events::credentials::*;
    use carechain_common::{
        check_leaves, ensure, issuer_roles, next_id, presentation_digest, standing_verdict,
        status_verdict, verification_tag, xcall, AccessGate, AccessRef, AuditAction, AuditOutcome,
        AuditRecord, AuditRef, AuditSubject, Callee, Credential, CredentialId, CredentialStatus,
        DeferredAudit, DenyReason, Digest, DrugRef, Error, GovAction, Governance, Governed,
        HolderOpening, HolderSignature, Pause, PresentationResult, PresentationVerdict, ProvenLeaf,
        ProvenanceRef, ProvenanceView, Result, Role, RoleSet, Verdict, MAX_TREE_DEPTH,
    };
    use ink::codegen::TraitCallBuilder;
    use ink::prelude::vec::Vec;
    use ink::storage::Mapping;

    #[ink(storage)]
    pub struct Credentials {
        gov: Governance,
        access: AccessRef,
        provenance: ProvenanceRef,
        audit: AuditRef,
        deferred: DeferredAudit,
        credentials: Mapping<CredentialId, Credential>,
        credential_count: u64,
        /// (batch, serial) of a dose -> the credential it backs (removed when that one is revoked).
        doses: Mapping<(u64, u64), CredentialId>,
        /// (verifier, challenge) of every valid on-chain verification: a replay is refused.
        challenges: Mapping<(AccountId, Digest), ()>,
    }

    impl Credentials {
        /// The instantiating account becomes admin; the others are the suite's.
        #[ink(constructor)]
        pub fn new(access: AccountId, provenance: AccountId, audit_log: AccountId) -> Self {
            Self {
                gov: Governance::new(Self::env().caller()),
                access: access.into(),
                provenance: provenance.into(),
                audit: audit_log.into(),
                deferred: DeferredAudit::default(),
                credentials: Mapping::default(),
                credential_count: 0,
                doses: Mapping::default(),
                challenges: Mapping::default(),
            }
        }

        /// A provider or public-health organisation: anchor a credential for a dose it
        /// administered (dispensed).
        ///
        /// # Errors
        /// `BatchExpired`, `BatchNotFound`, `BatchQuarantined`, `BatchRecalled`,
        /// `DoseNotAdministered`, `DoseUsed`, `InvalidTree`, `MissingRole`, `Overflow`, `Paused`,
        /// `SerialNotAvailable`, `SerialOutOfRange`; `Downstream` (a refusal or failure of: access,
        /// audit log, provenance).
        ///
        /// # Events
        /// `CredentialIssued`; the audit log's `Appended`.
        #[ink(message)]
        pub fn issue(&mut self, root: Digest, depth: u8, dose: DrugRef) -> Result<CredentialId> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            ensure!(
                !root.is_zero() && depth != 0 && depth <= MAX_TREE_DEPTH,
                Error::InvalidTree
            );
            self.ensure_issuer(caller)?;
            ensure!(
                !self.doses.contains((dose.batch, dose.serial)),
                Error::DoseUsed
            );
            let v = self.verify_dose(dose)?;
            match v.verdict {
                Verdict::Dispensed if v.dispensed_by == Some(caller) => {}
                Verdict::UnknownProduct | Verdict::UnknownLot => return Err(Error::BatchNotFound),
                Verdict::UnknownSerial => return Err(Error::SerialOutOfRange),
                Verdict::Suspect => return Err(Error::SerialNotAvailable),
                Verdict::Recalled => return Err(Error::BatchRecalled),
                Verdict::Quarantined => return Err(Error::BatchQuarantined),
                _ => return Err(Error::DoseNotAdministered),
            }
            let now = self.env().block_timestamp();
            // `Dispensed` outranks `Expired` in the verdict: check the expiry here.
            ensure!(
                v.expiry.is_none_or(|expiry| now < expiry),
                Error::BatchExpired
            );
            let id = next_id(&mut self.credential_count)?;
            xcall::audit(
                &mut self.audit,
                ink::prelude::vec![Self::entry(
                    caller,
                    AuditAction::CredentialIssue,
                    id,
                    AuditOutcome::Success
                )],
            )?;
            self.credentials.insert(
                id,
                &Credential {
                    id,
                    issuer: caller,
                    root,
                    depth,
                    dose,
                    issued_at: now,
                    status: CredentialStatus::Active,
                    authority_hold: false,
                },
            );
            self.doses.insert((dose.batch, dose.serial), &id);
            self.env().emit_event(CredentialIssued {
                id,
                issuer: caller,
                root,
                dose,
            });
            Ok(id)
        }

        /// The issuer, a governor of this contract or a regulator: suspend an active credential (a
        /// restriction). An authority's suspension is lifted only by an authority.
        ///
        /// # Errors
        /// `CredentialNotFound`, `CredentialWrongState`, `NotParty`; `Downstream` (a refusal or
        /// failure of: access, audit log).
        ///
        /// # Events
        /// `AuditDeferred`, `CredentialStatusChanged`; the audit log's `Appended`.
        #[ink(message)]
        pub fn suspend(&mut self, id: CredentialId) -> Result<()> {
            self.restrict(id, CredentialStatus::Suspended)
        }

        /// The issuer: revoke a credential for good (a restriction). Its dose is freed: the
        /// issuer may issue a corrected credential for it.
        ///
        /// # Errors
        /// `CredentialNotFound`, `CredentialWrongState`, `NotParty`; `Downstream` (a refusal or
        /// failure of: access, audit log).
        ///
        /// # Events
        /// `AuditDeferred`, `CredentialStatusChanged`; the audit log's `Appended`.
        #[ink(message)]
        pub fn revoke(&mut self, id: CredentialId) -> Result<()> {
            self.restrict(id, CredentialStatus::Revoked)
        }

        /// The issuer, while it holds an issuing role: reinstate a suspended credential.
        ///
        /// # Errors
        /// `CredentialNotFound`, `CredentialWrongState`, `MissingRole`, `NotParty`, `Paused`;
        /// `Downstream` (a refusal or failure of: access, audit log).
        ///
        /// # Events
        /// `CredentialStatusChanged`; the audit log's `Appended`.
        #[ink(message)]
        pub fn reinstate(&mut self, id: CredentialId) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            let mut credential = self.credentials.get(id).ok_or(Error::CredentialNotFound)?;
            ensure!(
                credential.status == CredentialStatus::Suspended,
                Error::CredentialWrongState
            );
            if credential.authority_hold {
                // Only an authority lifts an authority's suspension.
                ensure!(self.is_authority(caller)?, Error::NotParty);
            } else {
                ensure!(credential.issuer == caller, Error::NotParty);
                self.ensure_issuer(caller)?;
            }
            credential.authority_hold = false;
            xcall::audit(
                &mut self.audit,
                ink::prelude::vec![Self::entry(
                    caller,
                    AuditAction::CredentialStatus,
                    id,
                    AuditOutcome::Success
                )],
            )?;
            credential.status = CredentialStatus::Active;
            self.credentials.insert(id, &credential);
            self.env().emit_event(CredentialStatusChanged {
                id,
                status: CredentialStatus::Active,
                by: caller,
            });
            Ok(())
        }

        /// Anyone (a verifier): check a presentation against the credential and log the
        /// verification. Refusals are verdicts (logged), not errors; errors are for an unknown
        /// credential, a pause, or a callee that failed.
        ///
        /// # Errors
        /// `CredentialNotFound`, `Paused`; `Downstream` (a refusal or failure of: access, audit
        /// log, provenance).
        ///
        /// # Events
        /// `PresentationVerified`; the audit log's `Appended`.
        #[ink(message)]
        pub fn verify_presentation(
            &mut self,
            id: CredentialId,
            challenge: Digest,
            leaves: Vec<ProvenLeaf>,
            holder: HolderOpening,
            signature: HolderSignature,
        ) -> Result<PresentationResult> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            let credential = self.credentials.get(id).ok_or(Error::CredentialNotFound)?;
            let mut verdict = self.judge(
                &credential,
                &caller,
                &challenge,
                &leaves,
                &holder,
                &signature,
            )?;
            // A valid presentation answers one challenge of one verifier once.
            if verdict == PresentationVerdict::Valid {
                if self.challenges.contains((caller, challenge)) {
                    verdict = PresentationVerdict::Replayed;
                } else {
                    self.challenges.insert((caller, challenge), &());
                }
            }
            let outcome = match verdict {
                PresentationVerdict::Valid => AuditOutcome::Success,
                PresentationVerdict::Suspended
                | PresentationVerdict::Revoked
                | PresentationVerdict::IssuerNotInGoodStanding => {
                    AuditOutcome::Denied(DenyReason::CredentialNotActive)
                }
                PresentationVerdict::LotRecalled
                | PresentationVerdict::LotQuarantined
                | PresentationVerdict::DoseSuspect => AuditOutcome::Denied(DenyReason::LotNotSafe),
                _ => AuditOutcome::Denied(DenyReason::InvalidProof),
            };
            let tag = verification_tag(id, &caller);
            let audit_seq = xcall::audit(
                &mut self.audit,
                ink::prelude::vec![AuditRecord {
                    action: AuditAction::CredentialVerify,
                    actor: caller,
                    patient: None,
                    subject: AuditSubject::Verification(tag),
                    purpose: None,
                    outcome,
                    initiator: None,
                }],
            )?;
            self.env().emit_event(PresentationVerified {
                tag,
                verifier: caller,
                verdict,
                audit_seq,
            });
            Ok(PresentationResult { verdict, audit_seq })
        }

        /// Anyone: send queued restriction entries to the audit log. Works while paused.
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

        fn judge(
            &self,
            credential: &Credential,
            verifier: &AccountId,
            challenge: &Digest,
            leaves: &[ProvenLeaf],
            holder: &HolderOpening,
            signature: &HolderSignature,
        ) -> Result<PresentationVerdict> {
            let holder = match check_leaves(leaves, holder, &credential.root, credential.depth) {
                Ok(holder) => holder,
                Err(verdict) => return Ok(verdict),
            };
            let digest =
                presentation_digest(&self.env().account_id(), credential.id, verifier, challenge);
            let mut signer = [0u8; 33];
            if ink::env::ecdsa_recover(&signature.0, &digest, &mut signer).is_err()
                || signer != holder
            {
                return Ok(PresentationVerdict::BadSignature);
            }
            // A suspended or revoked credential needs no further call to say so.
            if let Some(verdict) = status_verdict(credential.status) {
                return Ok(verdict);
            }
            let issuer_roles_now = self.roles(credential.issuer)?;
            Ok(standing_verdict(
                credential.status,
                issuer_roles_now,
                self.verify_dose(credential.dose)?.verdict,
            ))
        }

        fn restrict(&mut self, id: CredentialId, status: CredentialStatus) -> Result<()> {
            self.gov.enter(Pause::Never)?;
            let caller = self.env().caller();
            let mut credential = self.credentials.get(id).ok_or(Error::CredentialNotFound)?;
            // The issuer, without a role lookup (a restriction is never blocked by another
            // contract); otherwise an authority: a governor of this contract or a regulator.
            if credential.issuer != caller {
                // An authority suspends; revoking for good stays the issuer's.
                ensure!(
                    status == CredentialStatus::Suspended && self.is_authority(caller)?,
                    Error::NotParty
                );
                credential.authority_hold = true;
            }
            let allowed = match status {
                CredentialStatus::Suspended => credential.status == CredentialStatus::Active,
                _ => credential.status != CredentialStatus::Revoked,
            };
            ensure!(allowed, Error::CredentialWrongState);
            credential.status = status;
            self.credentials.insert(id, &credential);
            if status == CredentialStatus::Revoked {
                self.doses
                    .remove((credential.dose.batch, credential.dose.serial));
            }
            self.deferred.log(
                &mut self.audit,
                Self::entry(
                    caller,
                    AuditAction::CredentialStatus,
                    id,
                    AuditOutcome::Success,
                ),
            );
            self.env().emit_event(CredentialStatusChanged {
                id,
                status,
                by: caller,
            });
            Ok(())
        }

        /// A governor of this contract (no call needed) or a regulator.
        fn is_authority(&self, account: AccountId) -> Result<bool> {
            Ok(self.gov.is_governor(&account) || self.roles(account)?.contains(Role::Regulator))
        }

        fn verify_dose(&self, dose: DrugRef) -> Result<carechain_common::Verification> {
            xcall::read(
                Callee::Provenance,
                self.provenance
                    .call()
                    .verify_serial(dose.batch, dose.serial)
                    .try_invoke(),
            )
        }

        /// An account's effective roles now (empty while suspended or revoked).
        fn roles(&self, account: AccountId) -> Result<RoleSet> {
            let facts = xcall::read(
                Callee::Access,
                self.access.call().lookup(None, account, None).try_invoke(),
            )?;
            Ok(facts.first.roles)
        }

        /// The account holds an issuing role now (provider or public health).
        fn ensure_issuer(&self, account: AccountId) -> Result<()> {
            let issuers = issuer_roles();
            ensure!(
                self.roles(account)?.intersects(issuers),
                Error::MissingRole(issuers)
            );
            Ok(())
        }

        fn entry(
            actor: AccountId,
            action: AuditAction,
            id: CredentialId,
            outcome: AuditOutcome,
        ) -> AuditRecord {
            AuditRecord {
                action,
                actor,
                patient: None,
                subject: AuditSubject::Credential(id),
                purpose: None,
                outcome,
                initiator: None,
            }
        }
    }

    impl Governed for Credentials {
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
