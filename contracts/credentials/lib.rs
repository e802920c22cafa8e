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
//!   credentials. Every verification is logged to the audit log; a dry run answers without
//!   logging.
//! - **Suspend / revoke** by the issuer are restrictions: they work while paused, need no role
//!   (an issuer that lost its role can still withdraw what it issued) and queue their audit
//!   entry when the log does not take it (`flush_audit`). Reinstating needs an active role.
//!
//! Calls: access (`lookup`: roles), provenance (`verify_serial`), audit log. None calls back.

#[ink::contract]
mod credentials {
    use carechain_common::events::credentials::*;
    use carechain_common::{
        check_leaves, ensure, lot_verdict, next_id, presentation_digest, status_verdict, xcall,
        AccessGate, AccessRef, AuditAction, AuditOutcome, AuditRecord, AuditRef, AuditSubject,
        Callee, Credential, CredentialId, CredentialStatus, DeferredAudit, DenyReason, Digest,
        DrugRef, Error, GovAction, Governance, Governed, HolderOpening, HolderSignature, Pause,
        PresentationResult, PresentationVerdict, ProvenLeaf, ProvenanceRef, ProvenanceView, Result,
        Role, RoleSet, Verdict, MAX_TREE_DEPTH,
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

        /// The issuer: suspend an active credential (a restriction).
        ///
        /// # Errors
        /// `CredentialNotFound`, `CredentialWrongState`, `NotParty`; `Downstream` (a refusal or
        /// failure of: audit log).
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
        /// failure of: audit log).
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
            let mut credential = self.issued_by(id, caller)?;
            ensure!(
                credential.status == CredentialStatus::Suspended,
                Error::CredentialWrongState
            );
            self.ensure_issuer(caller)?;
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
        /// `CredentialNotFound`, `Paused`; `Downstream` (a refusal or failure of: audit log,
        /// provenance).
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
            let verdict = self.judge(&credential, &challenge, &leaves, &holder, &signature)?;
            let outcome = match verdict {
                PresentationVerdict::Valid => AuditOutcome::Success,
                PresentationVerdict::Suspended | PresentationVerdict::Revoked => {
                    AuditOutcome::Denied(DenyReason::CredentialNotActive)
                }
                PresentationVerdict::LotRecalled
                | PresentationVerdict::LotQuarantined
                | PresentationVerdict::LotSuspect => AuditOutcome::Denied(DenyReason::LotNotSafe),
                _ => AuditOutcome::Denied(DenyReason::InvalidProof),
            };
            let audit_seq = xcall::audit(
                &mut self.audit,
                ink::prelude::vec![Self::entry(
                    caller,
                    AuditAction::CredentialVerify,
                    id,
                    outcome
                )],
            )?;
            self.env().emit_event(PresentationVerified {
                id,
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
            challenge: &Digest,
            leaves: &[ProvenLeaf],
            holder: &HolderOpening,
            signature: &HolderSignature,
        ) -> Result<PresentationVerdict> {
            let holder = match check_leaves(leaves, holder, &credential.root, credential.depth) {
                Ok(holder) => holder,
                Err(verdict) => return Ok(verdict),
            };
            let digest = presentation_digest(&self.env().account_id(), credential.id, challenge);
            let mut signer = [0u8; 33];
            if ink::env::ecdsa_recover(&signature.0, &digest, &mut signer).is_err()
                || signer != holder
            {
                return Ok(PresentationVerdict::BadSignature);
            }
            if let Some(verdict) = status_verdict(credential.status) {
                return Ok(verdict);
            }
            Ok(lot_verdict(self.verify_dose(credential.dose)?.verdict))
        }

        fn restrict(&mut self, id: CredentialId, status: CredentialStatus) -> Result<()> {
            self.gov.enter(Pause::Never)?;
            let caller = self.env().caller();
            let mut credential = self.issued_by(id, caller)?;
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

        fn issued_by(&self, id: CredentialId, caller: AccountId) -> Result<Credential> {
            let credential = self.credentials.get(id).ok_or(Error::CredentialNotFound)?;
            ensure!(credential.issuer == caller, Error::NotParty);
            Ok(credential)
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

        /// The account holds an issuing role now (provider or public health).
        fn ensure_issuer(&self, account: AccountId) -> Result<()> {
            let facts = xcall::read(
                Callee::Access,
                self.access.call().lookup(None, account, None).try_invoke(),
            )?;
            let issuers = RoleSet::of(&[Role::Provider, Role::PublicHealth]);
            if facts.first.roles.intersects(issuers) {
                Ok(())
            } else {
                Err(Error::MissingRole(issuers))
            }
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
