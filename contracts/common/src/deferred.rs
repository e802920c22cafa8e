//! A restriction never waits for the audit log. Revoking a grant, closing a break-glass session,
//! quarantining or recalling a batch, flagging a suspect pack: each appends its entry to the log
//! if it can; if the log refuses (paused, this contract no longer a writer), does not understand
//! the call or traps, the restriction still takes effect and its entry is queued here, in the
//! restricting contract's own storage. Anyone may later `flush` the queue into the log, at most
//! `MAX_AUDIT_BATCH` entries per call, oldest first.
//!
//! A queued entry is stamped by the log when it is flushed; the restricting contract's own event
//! (`GrantRevoked`, `BatchStatusChanged`, ...) and `AuditDeferred` carry the block of the
//! restriction itself.

use crate::audit::AuditRecord;
use crate::ensure;
use crate::error::{Error, Result};
use crate::governance::emit;
use crate::traits::{AuditRef, MAX_AUDIT_BATCH};
use crate::xcall;
use ink::prelude::vec::Vec;
use ink::storage::traits::{AutoKey, StorageKey};
use ink::storage::Mapping;

#[ink::storage_item]
#[derive(Debug)]
pub struct DeferredAudit<KEY: StorageKey = AutoKey> {
    queue: Mapping<u64, AuditRecord>,
    /// Position of the oldest queued entry.
    first: u64,
    /// Position the next queued entry takes.
    next: u64,
}

impl<KEY: StorageKey> Default for DeferredAudit<KEY> {
    fn default() -> Self {
        Self {
            queue: Mapping::default(),
            first: 0,
            next: 0,
        }
    }
}

impl<KEY: StorageKey> DeferredAudit<KEY> {
    /// Entries waiting for the log.
    pub fn pending(&self) -> u64 {
        self.next.saturating_sub(self.first)
    }

    /// Log a restriction's entry, or queue it when the log does not take it. Returns the entry's
    /// sequence number when it was logged now.
    pub fn log(&mut self, audit: &mut AuditRef, record: AuditRecord) -> Option<u64> {
        let outcome = xcall::audit(audit, ink::prelude::vec![record]);
        match outcome {
            Ok(seq) => Some(seq),
            Err(_) => {
                let position = self.next;
                self.queue.insert(position, &record);
                // Positions are u64 counters: they cannot run out within a chain's life.
                self.next = position.saturating_add(1);
                emit(AuditDeferred { position });
                None
            }
        }
    }

    /// Send up to `MAX_AUDIT_BATCH` queued entries to the log, oldest first. `Empty` when nothing
    /// waits; the log's refusal otherwise (then nothing leaves the queue).
    pub fn flush(&mut self, audit: &mut AuditRef) -> Result<u64> {
        let count = self
            .pending()
            .min(u64::try_from(MAX_AUDIT_BATCH).unwrap_or(u64::MAX));
        ensure!(count != 0, Error::Empty);
        let end = self.first.saturating_add(count);
        let records: Vec<AuditRecord> = (self.first..end)
            .filter_map(|position| self.queue.get(position))
            .collect();
        let first_seq = xcall::audit(audit, records)?;
        for position in self.first..end {
            self.queue.remove(position);
        }
        self.first = end;
        emit(AuditFlushed { count, first_seq });
        Ok(count)
    }
}

/// A restriction's audit entry was queued (the log did not take it); `position` in the queue.
#[ink::event]
pub struct AuditDeferred {
    pub position: u64,
}

/// `count` queued entries reached the log, the first at `first_seq`.
#[ink::event]
pub struct AuditFlushed {
    pub count: u64,
    pub first_seq: u64,
}
