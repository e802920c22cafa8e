#![cfg_attr(not(feature = "std"), no_std, no_main)]

//! The suite's one audit log: append-only and hash-chained, with a lean append path (every
//! audited access decision pays for it).
//!
//! - Only writers registered by governance — contracts of the suite, never plain accounts — may
//!   append; anyone may read, from storage.
//! - Entry `n` stores the hash of entry `n-1` and its own hash: SHA-256 over the SCALE encoding of
//!   its fields and that previous hash (`carechain_common::EntryPreimage`). The contract keeps the
//!   head hash and the count, so anyone can recompute the chain from genesis and compare.
//! - Each append (one to `MAX_AUDIT_BATCH` entries) is stored as one storage item under its first
//!   sequence number: an append reads and writes the root cell and writes one item, O(1) in what
//!   is stored. There is no per-patient index (it would cost every decision a read and a write);
//!   a patient's trail is found by scanning newest first or by indexing `Appended` events.
//! - There is no delete, no terminate and no code upgrade: records must outlive retention rules
//!   (HIPAA §164.316, DSCSA: six years).
//!
//! Reads (count, head, entries) are served from contract storage by the
//! clients (`carechain-sdk`), typed by this contract's storage layout.

#[ink::contract]
mod audit_log {
    use carechain_common::events::audit::{Appended, WriterAdded, WriterRemoved};
    use carechain_common::{
        ensure, ensure_nonzero, sha256, AuditEntry, AuditRecord, AuditSink, Digest, Error,
        GovAction, Governance, Governed, Pause, Result, MAX_AUDIT_BATCH, MAX_WRITERS,
    };
    use ink::prelude::vec::Vec;
    use ink::scale::Encode;
    use ink::storage::Mapping;

    #[ink(storage)]
    pub struct AuditLog {
        gov: Governance,
        writers: Vec<AccountId>,
        count: u64,
        head: Digest,
        /// The entries of each append, under the sequence number of its first entry.
        chunks: Mapping<u64, Vec<AuditEntry>>,
    }

    // A constructor reads the caller; a `Default` impl would hide that.
    #[allow(clippy::new_without_default)]
    impl AuditLog {
        /// The instantiating account becomes admin.
        #[ink(constructor)]
        pub fn new() -> Self {
            Self {
                gov: Governance::new(Self::env().caller()),
                writers: Vec::new(),
                count: 0,
                head: Digest::ZERO,
                chunks: Mapping::default(),
            }
        }

        /// Governance: let `writer`, a contract of the suite, append.
        ///
        /// # Errors
        /// `NotAContract`, `NotGovernor`, `Paused`, `TooMany`, `WriterExists`, `ZeroAccount`.
        ///
        /// # Events
        /// `WriterAdded`.
        #[ink(message)]
        pub fn add_writer(&mut self, writer: AccountId) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            self.gov.ensure_governor(&caller)?;
            ensure_nonzero(&writer)?;
            ensure!(!self.writers.contains(&writer), Error::WriterExists);
            ensure!(self.env().is_contract(&writer), Error::NotAContract);
            ensure!(self.writers.len() < MAX_WRITERS, Error::TooMany);
            self.writers.push(writer);
            self.env().emit_event(WriterAdded { writer, by: caller });
            Ok(())
        }

        /// Governance: stop `writer` from appending. Its entries stay. A restriction: works while
        /// paused.
        ///
        /// # Errors
        /// `NotGovernor`, `WriterNotFound`.
        ///
        /// # Events
        /// `WriterRemoved`.
        #[ink(message)]
        pub fn remove_writer(&mut self, writer: AccountId) -> Result<()> {
            self.gov.enter(Pause::Never)?;
            let caller = self.env().caller();
            self.gov.ensure_governor(&caller)?;
            let position = self
                .writers
                .iter()
                .position(|w| *w == writer)
                .ok_or(Error::WriterNotFound)?;
            self.writers.swap_remove(position);
            self.env().emit_event(WriterRemoved { writer, by: caller });
            Ok(())
        }

        fn ensure_writer(&self, caller: &AccountId) -> Result<()> {
            if self.writers.contains(caller) {
                Ok(())
            } else {
                Err(Error::NotWriter)
            }
        }

        /// Chain `records` onto the head as one stored chunk; returns the first sequence number.
        fn push(&mut self, writer: AccountId, records: Vec<AuditRecord>) -> Result<u64> {
            let first = self.count;
            let block = self.env().block_number();
            let recorded_at = self.env().block_timestamp();
            let mut entries = Vec::with_capacity(records.len());
            let mut seq = first;
            for record in &records {
                ensure_nonzero(&record.actor)?;
                let mut entry = AuditEntry {
                    seq,
                    writer,
                    record: *record,
                    block,
                    recorded_at,
                    prev_hash: self.head,
                    hash: Digest::ZERO,
                };
                entry.hash = sha256(&entry.preimage().encode());
                self.head = entry.hash;
                entries.push(entry);
                seq = seq.checked_add(1).ok_or(Error::Overflow)?;
            }
            self.chunks.insert(first, &entries);
            self.count = seq;
            self.env().emit_event(Appended {
                writer,
                first,
                records,
                head: self.head,
            });
            Ok(first)
        }
    }

    impl AuditSink for AuditLog {
        /// Writers only. Entries are chained in order and stored together; returns the first
        /// sequence number.
        ///
        /// # Errors
        /// `Empty`, `NotWriter`, `Overflow`, `Paused`, `TooMany`, `ZeroAccount`.
        ///
        /// # Events
        /// `Appended`.
        #[ink(message)]
        fn append(&mut self, records: Vec<AuditRecord>) -> Result<u64> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            self.ensure_writer(&caller)?;
            ensure!(!records.is_empty(), Error::Empty);
            ensure!(records.len() <= MAX_AUDIT_BATCH, Error::TooMany);
            self.push(caller, records)
        }
    }

    impl Governed for AuditLog {
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

    #[cfg(test)]
    mod tests {
        use super::*;
        use carechain_common::verify::{verify_chain, ChainError};
        use carechain_common::{
            AccessBasis, AuditAction, AuditOutcome, AuditSubject, DataCategory, PatientId, Purpose,
        };
        use ink::env::test::{default_accounts, set_caller};
        use ink::env::DefaultEnvironment as Env;

        fn record(actor: AccountId, patient: Option<PatientId>) -> AuditRecord {
            AuditRecord {
                action: AuditAction::AccessCheck,
                actor,
                patient,
                subject: AuditSubject::Category(DataCategory::Laboratory),
                purpose: Some(Purpose::Treatment),
                outcome: AuditOutcome::Granted(AccessBasis::Consent(1)),
                initiator: None,
            }
        }

        /// The host function and the `sha2` crate agree and entries chain across appends.
        #[ink::test]
        fn chain_recomputes_off_chain() {
            let a = default_accounts::<Env>();
            set_caller::<Env>(a.alice);
            let mut log = AuditLog::new();
            // The off-chain test environment has no contracts: register the writer directly.
            log.writers.push(a.bob);
            set_caller::<Env>(a.bob);
            let p1 = PatientId([1; 32]);
            let p2 = PatientId([2; 32]);
            assert_eq!(log.append(vec![record(a.charlie, Some(p1))]), Ok(0));
            assert_eq!(
                log.append(vec![
                    record(a.charlie, Some(p2)),
                    record(a.charlie, Some(p1)),
                    record(a.charlie, None),
                    record(a.charlie, Some(p1)),
                ]),
                Ok(1)
            );
            let mut entries = log.chunks.get(0).unwrap();
            entries.extend(log.chunks.get(1).unwrap());
            assert_eq!(entries.len(), 5);
            assert_eq!(verify_chain(&entries, log.head, log.count), Ok(()));

            let mut tampered = entries.clone();
            tampered[2].record.outcome = AuditOutcome::Success;
            assert_eq!(
                verify_chain(&tampered, log.head, log.count),
                Err(ChainError::BadHash { seq: 2 })
            );
        }

        #[ink::test]
        fn only_writers_append() {
            let a = default_accounts::<Env>();
            set_caller::<Env>(a.alice);
            let mut log = AuditLog::new();
            set_caller::<Env>(a.bob);
            assert_eq!(
                log.append(vec![record(a.charlie, None)]),
                Err(Error::NotWriter)
            );
            assert_eq!(log.count, 0);
        }
    }
}
