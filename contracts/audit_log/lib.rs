#![cfg_attr(not(feature = "std"), no_std, no_main)]

//! The suite's one audit log: append-only and hash-chained.
//!
//! - Only writers registered by governance (the suite's contracts) may append; anyone may read.
//! - Entry `n` stores the hash of entry `n-1` and its own hash: SHA-256 over the SCALE encoding of
//!   its fields and that previous hash (`carechain_common::EntryPreimage`). The contract keeps the
//!   head hash and the count, so anyone can recompute the chain from genesis and compare.
//! - Appending is O(1): one entry, one per-patient index slot, two counters.
//! - There is no delete, no terminate and no code upgrade: records must outlive retention rules
//!   (HIPAA §164.316, DSCSA: six years).

#[ink::contract]
mod audit_log {
    use carechain_common::events::audit::{EntryAppended, WriterAdded, WriterRemoved};
    use carechain_common::{
        ensure_nonzero, page_range, sha256, AuditEntry, AuditRecord, AuditSink, Digest, Error,
        Governance, GovernanceInfo, Governed, Page, PatientId, PatientIndex, Result,
        MAX_AUDIT_BATCH,
    };
    use ink::prelude::vec::Vec;
    use ink::scale::Encode;
    use ink::storage::Mapping;

    #[ink(storage)]
    pub struct AuditLog {
        gov: Governance,
        writers: Mapping<AccountId, ()>,
        entries: Mapping<u64, AuditEntry>,
        count: u64,
        head: Digest,
        /// Sequence numbers of each patient's entries.
        by_patient: PatientIndex,
    }

    // A constructor reads the caller; a `Default` impl would hide that.
    #[allow(clippy::new_without_default)]
    impl AuditLog {
        /// The instantiating account becomes admin.
        #[ink(constructor)]
        pub fn new() -> Self {
            Self {
                gov: Governance::new(Self::env().caller()),
                writers: Mapping::default(),
                entries: Mapping::default(),
                count: 0,
                head: Digest::ZERO,
                by_patient: PatientIndex::default(),
            }
        }

        /// Governance: let `writer` (a contract of the suite) append.
        #[ink(message)]
        pub fn add_writer(&mut self, writer: AccountId) -> Result<()> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            self.gov.ensure_governor(&caller)?;
            ensure_nonzero(&writer)?;
            if self.writers.contains(writer) {
                return Err(Error::AlreadyWriter);
            }
            self.writers.insert(writer, &());
            self.env().emit_event(WriterAdded { writer, by: caller });
            Ok(())
        }

        /// Governance: stop `writer` from appending. Its entries stay.
        #[ink(message)]
        pub fn remove_writer(&mut self, writer: AccountId) -> Result<()> {
            let caller = self.env().caller();
            // Works while paused: removing a compromised writer is what an incident needs.
            self.gov.ensure_governor(&caller)?;
            if !self.writers.contains(writer) {
                return Err(Error::WriterNotFound);
            }
            self.writers.remove(writer);
            self.env().emit_event(WriterRemoved { writer, by: caller });
            Ok(())
        }

        #[ink(message)]
        pub fn is_writer(&self, account: AccountId) -> bool {
            self.writers.contains(account)
        }

        /// Number of entries.
        #[ink(message)]
        pub fn count(&self) -> u64 {
            self.count
        }

        /// Hash of the newest entry (all zeros while empty).
        #[ink(message)]
        pub fn head(&self) -> Digest {
            self.head
        }

        #[ink(message)]
        pub fn entry(&self, seq: u64) -> Option<AuditEntry> {
            self.entries.get(seq)
        }

        /// Entries `from, from+1, ...`, at most `limit` (clamped to `MAX_PAGE`).
        #[ink(message)]
        pub fn entries(&self, from: u64, limit: u32) -> Vec<AuditEntry> {
            page_range(from, limit, self.count)
                .filter_map(|seq| self.entries.get(seq))
                .collect()
        }

        /// The patient's entries (who touched my data), oldest first, from the patient's `from`-th,
        /// with how many there are in all.
        #[ink(message)]
        pub fn patient_entries(
            &self,
            patient: PatientId,
            from: u64,
            limit: u32,
        ) -> Page<AuditEntry> {
            self.by_patient
                .page(patient, from, limit, |seq| self.entries.get(seq))
        }

        /// Chain one entry onto the head. The caller checked the writer.
        fn push(&mut self, writer: AccountId, record: AuditRecord) -> Result<u64> {
            ensure_nonzero(&record.actor)?;
            let seq = self.count;
            let next = seq.checked_add(1).ok_or(Error::Overflow)?;
            let mut entry = AuditEntry {
                seq,
                writer,
                record,
                block: self.env().block_number(),
                recorded_at: self.env().block_timestamp(),
                prev_hash: self.head,
                hash: Digest::ZERO,
            };
            entry.hash = sha256(&entry.preimage().encode());
            if let Some(patient) = record.patient {
                self.by_patient.push(patient, seq)?;
            }
            self.entries.insert(seq, &entry);
            self.count = next;
            self.head = entry.hash;
            self.env().emit_event(EntryAppended {
                writer,
                seq,
                hash: entry.hash,
            });
            Ok(seq)
        }

        fn ensure_writer(&self, caller: &AccountId) -> Result<()> {
            self.gov.ensure_not_paused()?;
            if self.writers.contains(caller) {
                Ok(())
            } else {
                Err(Error::NotWriter)
            }
        }
    }

    impl AuditSink for AuditLog {
        /// Writers only. Returns the new entry's sequence number.
        #[ink(message)]
        fn append(&mut self, record: AuditRecord) -> Result<u64> {
            let caller = self.env().caller();
            self.ensure_writer(&caller)?;
            self.push(caller, record)
        }

        /// Writers only. Entries are chained in order; returns the first sequence number.
        #[ink(message)]
        fn append_batch(&mut self, records: Vec<AuditRecord>) -> Result<u64> {
            let caller = self.env().caller();
            self.ensure_writer(&caller)?;
            if records.is_empty() {
                return Err(Error::Empty);
            }
            if records.len() > MAX_AUDIT_BATCH {
                return Err(Error::TooMany);
            }
            let first = self.count;
            for record in records {
                self.push(caller, record)?;
            }
            Ok(first)
        }
    }

    impl Governed for AuditLog {
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
        use carechain_common::verify::{entry_hash, verify_chain, ChainError};
        use carechain_common::{
            AccessBasis, AuditAction, AuditOutcome, AuditSubject, DataCategory, Purpose,
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
            }
        }

        /// The host function and the `sha2` crate agree, entries chain, and the per-patient index
        /// pages through one patient's entries only.
        #[ink::test]
        fn chain_recomputes_off_chain() {
            let a = default_accounts::<Env>();
            set_caller::<Env>(a.alice);
            let mut log = AuditLog::new();
            log.add_writer(a.bob).unwrap();
            set_caller::<Env>(a.bob);
            let p1 = PatientId([1; 32]);
            let p2 = PatientId([2; 32]);
            for i in 0..5u8 {
                let patient = if i % 2 == 0 { p1 } else { p2 };
                assert_eq!(
                    log.append(record(a.charlie, Some(patient))),
                    Ok(u64::from(i))
                );
            }
            assert_eq!(log.append(record(a.charlie, None)), Ok(5));
            let entries = log.entries(0, 0);
            assert_eq!(entries.len(), 6);
            assert_eq!(entry_hash(&entries[5]), log.head());
            assert_eq!(verify_chain(&entries, log.head(), log.count()), Ok(()));
            let mine = log.patient_entries(p1, 0, 0).items;
            assert_eq!(
                mine.iter().map(|e| e.seq).collect::<Vec<_>>(),
                vec![0, 2, 4]
            );
            assert_eq!(log.patient_entries(p1, 1, 1).items[0].seq, 2);
            assert!(log.patient_entries(p1, 3, 5).items.is_empty());
            assert_eq!(log.patient_entries(p1, 3, 5).total, 3);

            let mut tampered = entries.clone();
            tampered[2].record.outcome = AuditOutcome::Success;
            assert_eq!(
                verify_chain(&tampered, log.head(), log.count()),
                Err(ChainError::BadHash { seq: 2 })
            );
        }

        #[ink::test]
        fn only_writers_append() {
            let a = default_accounts::<Env>();
            set_caller::<Env>(a.alice);
            let mut log = AuditLog::new();
            set_caller::<Env>(a.bob);
            assert_eq!(log.append(record(a.charlie, None)), Err(Error::NotWriter));
            assert_eq!(log.count(), 0);
        }
    }
}
