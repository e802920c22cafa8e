//! Events of the audit log.

use crate::audit::AuditRecord;
use crate::ids::Digest;
use ink::prelude::vec::Vec;
use ink::primitives::AccountId;

#[ink::event]
pub struct WriterAdded {
    #[ink(topic)]
    pub writer: AccountId,
    pub by: AccountId,
}

#[ink::event]
pub struct WriterRemoved {
    #[ink(topic)]
    pub writer: AccountId,
    pub by: AccountId,
}

/// One per `append`: the entries' records (what was decided or done), from
/// sequence number `first` on, and the chain's new head. The entries themselves are read from
/// storage (the log keeps each append under its first sequence number).
#[ink::event]
pub struct Appended {
    pub writer: AccountId,
    pub first: u64,
    pub records: Vec<AuditRecord>,
    pub head: Digest,
}
