//! Off-chain verification of the audit chain with an independent SHA-256 (the `sha2` crate), for
//! tests, tools and auditors. The contract computes the same digests with the chain's host function.

use crate::audit::AuditEntry;
use crate::ids::Digest;
use ink::scale::Encode;
use sha2::{Digest as _, Sha256};

/// SHA-256 of an entry's preimage: what its `hash` field must be.
pub fn entry_hash(entry: &AuditEntry) -> Digest {
    Digest(Sha256::digest(entry.preimage().encode()).into())
}

/// Where a chain stops verifying.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ChainError {
    /// Entry at position `index` has sequence number `found`.
    OutOfSequence { index: u64, found: u64 },
    /// Entry `seq` does not link to its predecessor's hash.
    BrokenLink { seq: u64 },
    /// Entry `seq`'s stored hash is not the hash of its fields.
    BadHash { seq: u64 },
    /// The recomputed head differs from the stored head.
    HeadMismatch,
    /// The number of entries differs from the stored count.
    CountMismatch { entries: u64, count: u64 },
}

/// Incremental verifier: feed entries in order from genesis, then compare with the stored head.
#[derive(Clone, Debug, Default)]
pub struct ChainVerifier {
    next_seq: u64,
    head: Digest,
}

impl ChainVerifier {
    pub fn new() -> Self {
        Self::default()
    }

    /// Check one entry against its predecessor and its own hash.
    pub fn push(&mut self, entry: &AuditEntry) -> Result<(), ChainError> {
        if entry.seq != self.next_seq {
            return Err(ChainError::OutOfSequence {
                index: self.next_seq,
                found: entry.seq,
            });
        }
        if entry.prev_hash != self.head {
            return Err(ChainError::BrokenLink { seq: entry.seq });
        }
        if entry_hash(entry) != entry.hash {
            return Err(ChainError::BadHash { seq: entry.seq });
        }
        self.head = entry.hash;
        self.next_seq = self.next_seq.saturating_add(1);
        Ok(())
    }

    /// Compare what was fed with the contract's stored head and count.
    pub fn finish(&self, stored_head: Digest, stored_count: u64) -> Result<(), ChainError> {
        if self.next_seq != stored_count {
            return Err(ChainError::CountMismatch {
                entries: self.next_seq,
                count: stored_count,
            });
        }
        if self.head != stored_head {
            return Err(ChainError::HeadMismatch);
        }
        Ok(())
    }
}

/// Verify a whole chain at once.
pub fn verify_chain<'a>(
    entries: impl IntoIterator<Item = &'a AuditEntry>,
    stored_head: Digest,
    stored_count: u64,
) -> Result<(), ChainError> {
    let mut verifier = ChainVerifier::new();
    for entry in entries {
        verifier.push(entry)?;
    }
    verifier.finish(stored_head, stored_count)
}
